"""SCG801 and the project's own exception classes in other modules (project
facts): their text was written for the client; library errors' was not."""
from __future__ import annotations

from secguide import check_source

ERRORS = '''
class SlotError(Exception):
    def __init__(self, message):
        self.message = message
'''

VIEWS = '''
from fastapi import FastAPI, HTTPException
from shop.errors import SlotError
from .errors import SlotError as Slot2
from sqlalchemy.exc import IntegrityError

api = FastAPI()


@api.post("/a")
def a(req: dict):
    try:
        book(req)
    except SlotError as e:
        raise HTTPException(status_code=400, detail=e.message) from e


@api.post("/b")
def b(req: dict):
    try:
        book(req)
    except Slot2 as e:
        return {"error": str(e)}


@api.post("/c")
def c(req: dict):
    try:
        book(req)
    except IntegrityError as e:
        return {"error": str(e)}
'''


def _project(tmp_path):
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text(ERRORS)
    views = pkg / "views.py"
    views.write_text(VIEWS)
    return views


def test_imported_project_exception_is_not_reported(tmp_path):
    views = _project(tmp_path)
    found = check_source(views.read_text(), str(views), select=["SCG801"])
    assert [f.line for f in found] == [VIEWS.splitlines().index(
        '        return {"error": str(e)}', 30) + 1]


def test_without_project_facts_the_imported_class_is_unknown(tmp_path):
    views = _project(tmp_path)
    found = check_source(views.read_text(), str(views), select=["SCG801"],
                         options={"project-facts": False})
    assert len(found) == 3
