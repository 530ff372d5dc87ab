"""What every API module shares: the error body, the answers each operation documents,
bounded ids and page numbers."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.pagination import PageNumberPagination

from madoguchi.api import schemas as s


class Invalid(Exception):
    """Input that names fields and problems: answered as 422 {detail, errors: [{path, message}]}."""

    def __init__(self, detail: str, errors: list[dict[str, str]]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


# Every operation may answer these, always with an `Errors` body.
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), s.Errors)


def answers(code: int, schema: Any) -> dict[int, Any]:
    return {code: schema, **ERRORS}


# An id in the path: one the database can hold (a larger one is a 422, not a 500).
PathId = Annotated[int, Path(ge=1, le=s.MAX_ID)]


class Pages(PageNumberPagination):
    """Page numbers bounded so that no offset overflows the database."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=1000)
