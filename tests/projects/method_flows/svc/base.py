"""A repository base class in its own module: its subclasses call the
methods as ``self.method(...)``, defined here and not in the subclass."""
import sqlite3


class Repository:
    table = "reports"

    def _query(self, term):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute(f"SELECT * FROM reports WHERE title = '{term}'")  # expect: SCG101
        return cur.fetchall()

    def _lookup(self, term):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("SELECT * FROM reports WHERE title = ?", (term,))
        return cur.fetchall()


class CachedRepository(Repository):
    """One more level: the method is found on the base of the base."""
