"""Hashes and password KDFs: hashlib, hmac, bcrypt, argon2, passlib, crypt,
cryptography, werkzeug and Django hashers."""

#: fast hash constructors (data as first argument, or via .update())
FAST_HASHES = frozenset({
    "hashlib.md5", "hashlib.sha1", "hashlib.sha224", "hashlib.sha256",
    "hashlib.sha384", "hashlib.sha512", "hashlib.sha3_224", "hashlib.sha3_256",
    "hashlib.sha3_384", "hashlib.sha3_512", "hashlib.blake2b",
    "hashlib.blake2s", "hashlib.shake_128", "hashlib.shake_256",
    "Crypto.Hash.MD5.new", "Crypto.Hash.SHA256.new", "Crypto.Hash.SHA1.new",
    "Cryptodome.Hash.SHA256.new", "Cryptodome.Hash.MD5.new",
})
#: constructors taking the algorithm name first and data second
HASH_BY_NAME = frozenset({"hashlib.new"})
#: type name of the objects above (their .update() hashes data)
HASH_OBJECT = "hashlib.HASH"
#: what ``hmac.new()`` (and a keyed ``hashlib.blake2b(key=...)``) returns
HMAC_OBJECT = "hmac.HMAC"
HMAC_NEW = frozenset({"hmac.new", "hmac.digest"})

#: KDF calls and where their salt argument is: (positional index, keyword)
#: where the password goes in the same calls (a constant password with a
#: constant salt is a feature probe or a test vector, not storage)
PASSWORD_ARGS = {
    "bcrypt.hashpw": (0, "password"),
    "hashlib.pbkdf2_hmac": (1, "password"),
    "hashlib.scrypt": (0, "password"),
    "crypt.crypt": (0, "word"),
    "argon2.low_level.hash_secret": (0, "secret"),
    "argon2.low_level.hash_secret_raw": (0, "secret"),
    "Crypto.Protocol.KDF.PBKDF2": (0, "password"),
    "Cryptodome.Protocol.KDF.PBKDF2": (0, "password"),
    "Crypto.Protocol.KDF.scrypt": (0, "password"),
    "Crypto.Protocol.KDF.bcrypt": (0, "password"),
    "django.contrib.auth.hashers.make_password": (0, "password"),
}
SALT_ARGS = {
    "bcrypt.hashpw": (1, "salt"),
    "hashlib.pbkdf2_hmac": (2, "salt"),
    "hashlib.scrypt": (None, "salt"),
    "crypt.crypt": (1, "salt"),
    "argon2.low_level.hash_secret": (1, "salt"),
    "argon2.low_level.hash_secret_raw": (1, "salt"),
    "Crypto.Protocol.KDF.PBKDF2": (1, "salt"),
    "Cryptodome.Protocol.KDF.PBKDF2": (1, "salt"),
    "Crypto.Protocol.KDF.scrypt": (1, "salt"),
    "Crypto.Protocol.KDF.bcrypt": (2, "salt"),
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC": (None, "salt"),
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt": (0, "salt"),
    "werkzeug.security._hash_internal": (1, "salt"),
    "django.contrib.auth.hashers.make_password": (1, "salt"),
}

#: passlib hasher names (passlib.hash.<name>) -> scheme for work factors
PASSLIB_SCHEMES = {
    "bcrypt": "bcrypt", "bcrypt_sha256": "bcrypt", "pbkdf2_sha256": "pbkdf2_sha256",
    "pbkdf2_sha512": "pbkdf2_sha512", "pbkdf2_sha1": "pbkdf2_sha1",
    "django_pbkdf2_sha256": "pbkdf2_sha256", "argon2": "argon2",
    "scrypt": "scrypt",
}

#: hash names for PBKDF2 -> option holding the floor
PBKDF2_FLOORS = {
    "sha256": "min_pbkdf2_sha256_iterations",
    "sha512": "min_pbkdf2_sha512_iterations",
    "sha1": "min_pbkdf2_sha1_iterations",
}

#: results of these calls are password hashes (never raw passwords)
PASSWORD_HASHERS = frozenset({
    "werkzeug.security.generate_password_hash",
    "django.contrib.auth.hashers.make_password",
    "bcrypt.hashpw", "bcrypt.kdf", "hashlib.pbkdf2_hmac", "hashlib.scrypt",
    "argon2.PasswordHasher.hash", "argon2.low_level.hash_secret",
    "passlib.context.CryptContext.hash", "passlib.hash",
    "flask_bcrypt.generate_password_hash",
})

#: Django password hashers that are fast hashes (SCG601 when configured first
#: in PASSWORD_HASHERS, the one new passwords are stored with)
DJANGO_FAST_HASHERS = frozenset({
    "MD5PasswordHasher", "UnsaltedMD5PasswordHasher", "SHA1PasswordHasher",
    "UnsaltedSHA1PasswordHasher", "CryptPasswordHasher",
})
#: Django hasher base classes -> (attribute, option holding the floor)
DJANGO_HASHER_FLOORS = {
    "PBKDF2PasswordHasher": {"iterations": "min_pbkdf2_sha256_iterations"},
    "PBKDF2SHA1PasswordHasher": {"iterations": "min_pbkdf2_sha1_iterations"},
    "BCryptSHA256PasswordHasher": {"rounds": "min_bcrypt_rounds"},
    "BCryptPasswordHasher": {"rounds": "min_bcrypt_rounds"},
    "Argon2PasswordHasher": {"time_cost": "min_argon2_time_cost",
                             "memory_cost": "min_argon2_memory_cost"},
    "ScryptPasswordHasher": {"work_factor": "min_scrypt_n"},
}
