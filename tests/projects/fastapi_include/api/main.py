from fastapi import Depends, FastAPI

from .deps import verify_session
from .routers import public, tokens

app = FastAPI()

# the admin token routes require a session for every route of the router
app.include_router(tokens.router, prefix="/admin", dependencies=[Depends(verify_session)])
# the public router is included without dependencies
app.include_router(public.router, prefix="/public")
