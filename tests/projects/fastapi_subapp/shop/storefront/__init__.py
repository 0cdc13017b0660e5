from fastapi import FastAPI

from .orders import router as orders_router

# the customer-facing app states no dependencies
app = FastAPI()
app.include_router(orders_router, prefix="/orders")
