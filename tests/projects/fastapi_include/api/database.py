from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from .db_engine import SessionLocal


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


# a parameter annotated DbSession is a dependency, not request data
DbSession = Annotated[Session, Depends(get_db)]
