from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from ..decorators import authorize, members_only, throttled
from ..extensions import csrf
from ..models import Account

bp = Blueprint("auth", __name__)


# limited by the app-wide default limits of extensions.py
@bp.route("/login", methods=["POST"])
def login():
    account = Account.check_login(request.form["email"], request.form["password"])
    return jsonify(ok=account is not None)


# limited by a decorator of the project
@bp.route("/password/reset", methods=["POST"])
@throttled
def reset_password():
    return jsonify(sent=bool(request.form["email"]))


# API-key authenticated (the decorator reads X-Api-Key): no cookie to forge with
@bp.route("/api/events", methods=["POST"])
@csrf.exempt
@authorize
def api_events():
    g.client.record(request.get_json())
    return jsonify(ok=True)


# the session cookie's user: a forged cross-site POST acts as them
@bp.route("/profile", methods=["POST"])
@csrf.exempt  # expect: SCG503
@members_only
def profile():
    current_user.update(request.form)
    return jsonify(ok=True)
