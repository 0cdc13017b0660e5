"""Models: three hash the password whenever it is set, two do not."""
from sqlalchemy.orm import synonym, validates
from werkzeug.security import generate_password_hash

from .crypto import hash_password
from .extensions import db


class Users(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    password = db.Column(db.String(128))

    @validates("password")
    def validate_password(self, key, plaintext):
        return hash_password(plaintext)


class Admins(Users):
    pass


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    _password = db.Column("password", db.String(255))

    def _get_password(self):
        return self._password

    def _set_password(self, password):
        self._password = generate_password_hash(password)

    password = synonym("_password", descriptor=property(_get_password, _set_password))


class Plain(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    password = db.Column(db.String(128))


class Legacy(db.Model):
    """Hashes only when the caller remembers set_password()."""

    id = db.Column(db.Integer, primary_key=True)
    password = db.Column(db.String(128))

    def set_password(self, password):
        self.password = generate_password_hash(password)
