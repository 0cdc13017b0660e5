"""A view class whose handler hands the request's data to its own methods."""
import sqlite3

from flask import request
from flask.views import MethodView


class Reports(MethodView):
    def get(self):
        term = request.args["q"]
        self._count(term)  # the method binds it as a parameter
        return {"rows": self._query(term)}  # expect: SCG101

    def _query(self, term):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("SELECT * FROM reports WHERE title = '" + term + "'")  # expect: SCG101
        return cur.fetchall()

    def _count(self, term):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("SELECT count(*) FROM reports WHERE title = ?", (term,))
        return cur.fetchone()
