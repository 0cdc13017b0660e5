from typing import Annotated

from fastapi import Depends, HTTPException, Request


def verify_session(request: Request):
    """Every route of a router included with this dependency has a caller
    with a session: no session, 401."""
    uid = request.session.get("uid")
    if not uid:
        raise HTTPException(status_code=401, detail="login required")
    return uid


def get_current_user(request: Request):
    """The logged-in user of the session, or 401."""
    user = request.session.get("user")
    if not user:
        raise HTTPException(status_code=401, detail="login required")
    return user


CurrentUser = Annotated[dict, Depends(get_current_user)]
