from functools import wraps
from flask import abort
from flask_login import current_user

def admin_required(f):
    @wraps(f)
    def wrapper(*a, **kw):
        if not current_user.is_admin:
            abort(403)
        return f(*a, **kw)
    return wrapper

def staff_only(f):
    return admin_required(f)

def logged(f):
    @wraps(f)
    def wrapper(*a, **kw):
        print("x")
        return f(*a, **kw)
    return wrapper
