"""Password hashing and key derivation."""
import hashlib
import hmac

EXPORT_SALT = b"notes-export-v1"


def hash_password(password: str) -> str:
    """Digest stored in users.password_hash."""
    return hashlib.sha256(password.encode()).hexdigest()  # expect: SCG601


def check_password(password_hash: str, password: str) -> bool:
    return hmac.compare_digest(hash_password(password), password_hash)


def derive_export_key(passphrase: str) -> bytes:
    """Key that encrypts the archive of a user's notes (see `flask export-notes`)."""
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), EXPORT_SALT, 1000)  # expect: SCG602, SCG603
