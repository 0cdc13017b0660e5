"""Database and shell helpers: their parameters reach sinks."""
import sqlite3
import subprocess


def get_db():
    return sqlite3.connect("app.db")


def find_user(name):
    cur = get_db().cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")  # expect: SCG101
    return cur.fetchone()


def find_by_id(user_id):
    cur = get_db().cursor()
    cur.execute("SELECT * FROM users WHERE id = ?", (user_id,))
    return cur.fetchone()


def archive(folder):
    subprocess.run(f"tar czf /tmp/backup.tgz {folder}", shell=True)  # expect: SCG102
