from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from .extensions import limiter
from .models import ApiClient


def authorize(f):
    """Authenticates the caller by the X-Api-Key header (no cookie)."""
    @wraps(f)
    def wrapper(*args, **kwargs):
        client = ApiClient.by_key(request.headers.get("X-Api-Key", ""))
        if client is None:
            abort(401)
        g.client = client
        return f(*args, **kwargs)
    return wrapper


def members_only(f):
    """Requires the logged-in (session cookie) user."""
    @wraps(f)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(403)
        return f(*args, **kwargs)
    return wrapper


def throttled(f):
    return limiter.limit("5 per minute")(f)
