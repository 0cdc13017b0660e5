"""In-memory records handed to services: not stored as given."""
import attr
from pydantic import BaseModel


@attr.s(frozen=True)
class RegistrationInfo:
    username = attr.ib()
    password = attr.ib()


class UserCreate(BaseModel):
    email: str
    password: str
