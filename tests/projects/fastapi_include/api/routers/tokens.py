from fastapi import APIRouter

from ..services import auth_service

router = APIRouter()


# main.py includes this router with dependencies=[Depends(verify_session)]:
# an authenticated caller mints the token, nothing guessable is checked
@router.post("/users/{user_id}/access-token")
async def create_user_access_token(user_id: str):
    return await auth_service.issue_for(user_id)
