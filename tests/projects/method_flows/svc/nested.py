"""A view that hands the request's data to a function nested in it."""
import sqlite3

from flask import request


def export():
    def run(q):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("SELECT * FROM items WHERE name = '%s'" % q)  # expect: SCG101
        return cur.fetchall()

    def count(q):
        cur = sqlite3.connect("app.db").cursor()
        cur.execute("SELECT count(*) FROM items WHERE name = ?", (q,))
        return cur.fetchone()

    count(request.args["name"])  # the nested function binds it as a parameter
    return {"rows": run(request.args["name"])}  # expect: SCG101
