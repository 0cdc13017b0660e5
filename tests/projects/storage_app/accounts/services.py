"""Services that store passwords through the models of ``models.py``."""
from django.contrib.auth.models import User
from dramatiq.brokers.redis import RedisBroker
from flask import request
try:
    from wikitools import Wiki as WikiSite
except ImportError:  # optional plugin dependency
    WikiSite = None

from accounts import models
from accounts.models import Admins, Legacy, Member, Plain, Users
from accounts.schemas import RegistrationInfo, UserCreate
from .extensions import db


def register():
    password = request.form["password"]
    db.session.add(Users(name=request.form["name"], password=password))
    db.session.add(Admins(name="root", password=password))
    db.session.add(models.Member(name="m", password=password))
    return RegistrationInfo(username=request.form["name"], password=password)


def api_register(payload):
    return UserCreate(email=payload["email"], password=request.json["password"])


def reset(user_id, new_password):
    user = Users.query.filter_by(id=user_id).first_or_404()
    user.password = new_password
    member = db.session.execute(db.select(Member).filter_by(id=user_id)).scalar_one()
    member.password = new_password


def broker(url):
    return RedisBroker(host=url.hostname, password=url.password)


def register_plain():
    return Plain(name=request.form["name"], password=request.form["password"])  # expect: SCG604


def reset_plain(plain_id, new_password):
    plain = Plain.query.get(plain_id)
    plain.password = new_password  # expect: SCG604


def reset_plain_typed(plain: Plain, new_password):
    plain.password = new_password  # expect: SCG604


def register_legacy():
    return Legacy(password=request.form["password"])  # expect: SCG604


def wiki(settings):
    # a client of an installed package that logs in to another system
    return WikiSite(url=settings["url"], username=settings["user"], password=settings["password"])


def register_django_user():
    # an installed package's model that stores what it is given
    return User(username=request.form["name"], password=request.form["password"])  # expect: SCG604
