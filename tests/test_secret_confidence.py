"""SCG504 and SCG802 decide from names: a verdict that rests on a name alone
reports at LOW confidence; where data flow shows the value comes from the
request, the rule's declared confidence stays."""
from __future__ import annotations

import textwrap

import secguide


def _conf(code: str, source: str) -> list[tuple[int, str]]:
    return [(f.line, f.confidence) for f in secguide.check_source(
        textwrap.dedent(source), "app/views.py", select=[code])]


def test_compare_with_request_data_keeps_medium():
    assert _conf("SCG504", """
        from flask import Flask, request
        from django.conf import settings
        app = Flask(__name__)

        @app.route("/hook", methods=["POST"])
        def hook():
            if request.headers["X-Api-Key"] != settings.API_KEY:
                return "no", 403
            return "ok"
        """) == [(8, "MEDIUM")]


def test_compare_resting_on_names_is_low():
    assert _conf("SCG504", """
        def check(user, token):
            return user.api_token == token
        """) == [(3, "LOW")]


def test_compare_of_server_held_values_is_not_reported():
    assert _conf("SCG504", """
        from flask import session
        from app.models import User

        def still_valid(sign):
            user = User.query.filter_by(id=session["id"]).first()
            return session.get("hash") != sign(user.password_hash)
        """) == []


def test_logged_request_password_keeps_medium_named_one_is_low():
    assert _conf("SCG802", """
        import logging
        from flask import Flask, request
        app = Flask(__name__)
        log = logging.getLogger(__name__)

        @app.route("/signup", methods=["POST"])
        def signup():
            log.info("payload %s", request.form["password"])
            return "ok"

        def login(username, password):
            log.info("login %s %s", username, password)
        """) == [(9, "MEDIUM"), (13, "LOW")]
