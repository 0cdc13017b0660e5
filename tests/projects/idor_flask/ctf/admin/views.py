from flask import Blueprint, render_template

from ctf.models import Challenges, Teams
from ctf.utils.decorators import admin_cached, admins_only, authed_only, staff_or_admins

from .. import utils
from ..utils import decorators as deco

admin = Blueprint("admin", __name__)


@admin.route("/admin/challenges/<int:challenge_id>")
@admins_only
def challenge_detail(challenge_id):
    challenge = Challenges.query.filter_by(id=challenge_id).first_or_404()
    return render_template("admin/challenge.html", challenge=challenge)


@admin.route("/admin/teams/<int:team_id>")
@staff_or_admins
def team_detail(team_id):
    team = Teams.query.filter_by(id=team_id).first_or_404()
    return render_template("admin/team.html", team=team)


@admin.route("/admin/teams/<int:team_id>/edit")
@deco.admins_only
def team_edit(team_id):
    team = Teams.query.filter_by(id=team_id).first_or_404()
    return render_template("admin/team_edit.html", team=team, admin=utils.is_admin())


@admin.route("/teams/<int:team_id>/private")
@authed_only
def team_private(team_id):
    team = Teams.query.filter_by(id=team_id).first_or_404()  # expect: SCG401
    return render_template("team.html", team=team)


@admin.route("/admin/challenges/<int:challenge_id>/cached")
@admin_cached
def challenge_cached(challenge_id):
    challenge = Challenges.query.filter_by(id=challenge_id).first_or_404()  # expect: SCG401
    return render_template("admin/challenge.html", challenge=challenge)


@admin.route("/challenges/<int:challenge_id>")
def challenge_public(challenge_id):
    challenge = Challenges.query.filter_by(id=challenge_id, hidden=False).first_or_404()
    return render_template("challenge.html", challenge=challenge)


@admin.route("/challenges/<int:challenge_id>/raw")
def challenge_raw(challenge_id):
    challenge = Challenges.query.filter_by(id=challenge_id).first_or_404()  # expect: SCG401
    return render_template("challenge.html", challenge=challenge)
