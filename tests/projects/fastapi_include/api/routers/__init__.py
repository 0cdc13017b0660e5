from .keys import router as keys_router

__all__ = ["keys_router"]
