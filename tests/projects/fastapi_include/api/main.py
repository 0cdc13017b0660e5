from fastapi import Depends, FastAPI

from .deps import verify_session
from .routers import keys_router, public, tokens

app = FastAPI()

# the admin token routes require a session for every route of the router
app.include_router(tokens.router, prefix="/admin", dependencies=[Depends(verify_session)])
# the public router is included without dependencies
app.include_router(public.router, prefix="/public")
# a router re-exported by the routers package, with the session dependency
app.include_router(keys_router, prefix="/keys", dependencies=[Depends(verify_session)])
