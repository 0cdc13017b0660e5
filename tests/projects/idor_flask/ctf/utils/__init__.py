from flask import session


def current_user_attrs():
    return session.get("attrs")


def authed():
    return bool(session.get("id", False))


def is_admin():
    if authed():
        user = current_user_attrs()
        return user is not None and user.type == "admin"
    return False
