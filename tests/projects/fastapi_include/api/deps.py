from fastapi import HTTPException, Request


def verify_session(request: Request):
    """Every route of a router included with this dependency has a caller
    with a session: no session, 401."""
    uid = request.session.get("uid")
    if not uid:
        raise HTTPException(status_code=401, detail="login required")
    return uid
