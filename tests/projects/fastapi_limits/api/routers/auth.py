from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

router = APIRouter()


# app.py puts a rate-limiting middleware in front of every route
@router.post("/login")
async def login(form: OAuth2PasswordRequestForm = Depends()):
    return {"user": form.username}
