"""A repository class and a module-level instance of it: the parameters of
its methods reach sinks."""
import sqlite3
import subprocess


class Store:
    def __init__(self, path):
        self.path = path

    def find(self, name):
        cur = sqlite3.connect(self.path).cursor()
        cur.execute(f"SELECT * FROM users WHERE name = '{name}'")  # expect: SCG101
        return cur.fetchone()

    def find_by_id(self, user_id):
        cur = sqlite3.connect(self.path).cursor()
        cur.execute("SELECT * FROM users WHERE id = ?", (user_id,))
        return cur.fetchone()

    @staticmethod
    def archive(folder):
        subprocess.run(f"tar czf /tmp/backup.tgz {folder}", shell=True)  # expect: SCG102


store = Store("app.db")
