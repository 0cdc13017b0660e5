from fastapi import FastAPI
from redis.asyncio import Redis

from . import rate_limit
from .routers import auth

app = FastAPI()
# the limiting middleware is built by a project factory (rate_limit.py)
app.add_middleware(rate_limit.get_middleware, redis=Redis())
app.include_router(auth.router, prefix="/auth")
