"""A service layer between the views and the database helpers."""
from app.db import find_user


def lookup(name):
    return find_user(name.strip())
