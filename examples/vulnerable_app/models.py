"""SQLite storage for users and posts (identical in both apps)."""
import sqlite3

from flask import current_app, g
from flask_login import UserMixin

from auth import check_password, hash_password

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    get_db().executescript(SCHEMA)


class User(UserMixin):
    def __init__(self, id, name, password_hash):
        self.id = id
        self.name = name
        self.password_hash = password_hash

    @classmethod
    def get(cls, user_id):
        row = get_db().execute(
            "SELECT id, name, password_hash FROM users WHERE id = ?", (user_id,)
        ).fetchone()
        return cls(*row) if row else None

    @classmethod
    def find(cls, name):
        row = get_db().execute(
            "SELECT id, name, password_hash FROM users WHERE name = ?", (name,)
        ).fetchone()
        return cls(*row) if row else None

    @classmethod
    def create(cls, name, password):
        db = get_db()
        password_hash = hash_password(password)
        cur = db.execute(
            "INSERT INTO users (name, password_hash) VALUES (?, ?)", (name, password_hash)
        )
        db.commit()
        return cls(cur.lastrowid, name, password_hash)

    def check_password(self, password):
        return check_password(self.password_hash, password)
