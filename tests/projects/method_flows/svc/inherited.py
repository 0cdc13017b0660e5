"""View classes whose handlers call methods their base classes define:
a base class of another project module (base.py), or of this file."""
import subprocess

from flask import request
from flask.views import MethodView

from svc.base import CachedRepository, Repository


class Archiver:
    def _archive(self, folder):
        subprocess.run(f"tar czf /tmp/b.tgz {folder}", shell=True)  # expect: SCG102

    def _archive_list(self, folder):
        subprocess.run(["tar", "czf", "/tmp/b.tgz", folder])


class Reports(MethodView, Repository):
    def get(self):
        term = request.args["q"]
        rows = self._query(term)  # expect: SCG101
        safe = self._lookup(term)  # the base method passes it as a parameter
        fixed = self._query("weekly")  # a constant
        self.dispatch_request()  # a framework base's method: not searched
        return {"rows": rows, "safe": safe, "fixed": fixed}


class Archives(MethodView, CachedRepository, Archiver):
    def post(self):
        folder = request.form["folder"]
        self._archive(folder)  # expect: SCG102
        self._archive_list(folder)  # an argument list, no shell
        return {"rows": self._query(folder)}  # expect: SCG101
