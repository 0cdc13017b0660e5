"""Routes: untrusted data passed to the helpers of db.py and services.py."""
import shlex

from flask import Blueprint, request

from app import db, ping_b
from app.db import find_by_id, find_user

from .services import lookup

bp = Blueprint("views", __name__)


@bp.route("/user")
def user():
    name = request.args["name"]
    row = find_user(name)  # expect: SCG101
    find_by_id(name)  # the helper passes it as a parameter
    find_user("admin")  # a constant
    return {"row": row}


@bp.route("/backup")
def backup():
    folder = request.args["folder"]
    db.archive(folder)  # expect: SCG102
    db.archive(shlex.quote(folder))  # quoted for the shell
    return "ok"


@bp.route("/lookup")
def search():
    return {"row": lookup(request.form["n"])}  # expect: SCG101


@bp.route("/ping")
def ping():
    ping_b.pong(request.args["host"], 0)  # expect: SCG102
    return "ok"
