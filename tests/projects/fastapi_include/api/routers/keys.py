from fastapi import APIRouter

from ..services import auth_service

router = APIRouter()


# main.py includes this router, under the name routers/__init__.py
# re-exports it as, with dependencies=[Depends(verify_session)]
@router.post("/users/{user_id}/access-token")
async def create_user_access_token(user_id: str):
    return await auth_service.issue_for(user_id)
