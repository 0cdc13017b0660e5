"""Password hashing and key derivation."""
import hashlib
import os

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    """Salted, deliberately slow hash (Werkzeug's scrypt) stored in users.password_hash."""
    return generate_password_hash(password)


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def derive_export_key(passphrase: str) -> tuple[bytes, bytes]:
    """Key that encrypts the archive of a user's notes (see `flask export-notes`).

    Returns ``(salt, key)``: a fresh random salt per archive, stored beside it.
    600,000 iterations is OWASP's floor for PBKDF2-HMAC-SHA256.
    """
    salt = os.urandom(16)
    return salt, hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, 600_000)
