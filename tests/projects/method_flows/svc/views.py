"""Routes: untrusted data passed to the methods of store.py's class and
its module-level instance."""
import shlex

from flask import Blueprint, request

from svc.store import Store, store

bp = Blueprint("views", __name__)


@bp.route("/user")
def user():
    name = request.args["name"]
    row = store.find(name)  # expect: SCG101
    store.find_by_id(name)  # the method passes it as a parameter
    store.find("admin")  # a constant
    return {"row": row}


@bp.route("/backup")
def backup():
    folder = request.args["folder"]
    Store.archive(folder)  # expect: SCG102
    Store.archive(shlex.quote(folder))  # quoted for the shell
    return "ok"
