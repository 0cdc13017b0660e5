from fastapi import APIRouter

from ..services import auth_service

router = APIRouter()


# main.py includes this router without dependencies: anyone may call it
@router.post("/users/{user_id}/access-token")
async def create_user_access_token(user_id: str):  # expect: SCG904
    return await auth_service.issue_for(user_id)
