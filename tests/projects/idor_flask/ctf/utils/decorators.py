import functools

from flask import abort, redirect, request, url_for

from ctf.utils import authed, is_admin


def admins_only(f):
    """Refuses unless the principal is an admin (the test is in is_admin)."""
    @functools.wraps(f)
    def admins_only_wrapper(*args, **kwargs):
        if is_admin():
            return f(*args, **kwargs)
        if request.is_json:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))
    return admins_only_wrapper


def staff_or_admins(f):
    """Delegates to admins_only."""
    return admins_only(f)


def authed_only(f):
    """Requires a log-in only: authentication, not authorization."""
    @functools.wraps(f)
    def authed_only_wrapper(*args, **kwargs):
        if authed():
            return f(*args, **kwargs)
        return redirect(url_for("auth.login", next=request.full_path))
    return authed_only_wrapper


def admin_cached(f):
    """Named like an admin check, checks nothing."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapper
