from fastapi import Depends, FastAPI

from .dependencies import get_admin
from .orders import router as orders_router

# every route of the back office requires an admin (the app's dependencies)
app = FastAPI(dependencies=[Depends(get_admin)])
app.include_router(orders_router, prefix="/orders")
