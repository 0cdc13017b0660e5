from fastapi import APIRouter

from .. import crud
from ..database import DbSession
from ..deps import CurrentUser
from ..services import auth_service

router = APIRouter()


# db is the DbSession dependency (an Annotated alias in database.py), not
# request data: the query objects built on it are not tainted
@router.get("/items/count")
def count(db: DbSession, name: str):
    return crud.count_by_query(db, name) + crud.count_items(db, name)


# the request's q reaches the SQL text in crud.raw_search()
@router.get("/items/search")
def search(db: DbSession, q: str):
    return crud.raw_search(db, q)  # expect: SCG101


# user is the CurrentUser dependency (deps.py): an authenticated caller
# mints a token, nothing guessable is checked
@router.post("/api-tokens")
async def create_api_token(label: str, user: CurrentUser):
    return await auth_service.issue_for(user)
