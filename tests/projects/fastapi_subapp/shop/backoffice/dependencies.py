from fastapi import HTTPException, Request


async def get_admin(request: Request):
    """The staff member of the session, or 401/403."""
    user = request.state.user
    if user is None:
        raise HTTPException(status_code=401, detail="Unauthorized")
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="Forbidden")
    return user
