"""What every API module shares: the error body, the answers each operation documents,
bounded ids and page numbers, the organization to create in, and forms as 422s."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm, model_to_dict
from django.http import HttpRequest
from ninja import Field, Path, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

from madoguchi.api import schemas as s
from madoguchi.api.auth import READ_ONLY
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import organizations_for


class Invalid(Exception):
    """Input that names fields and problems: answered as 422 {detail, errors: [{path, message}]}."""

    def __init__(
        self,
        detail: str,
        errors: list[dict[str, str]],
        *,
        status: int = 422,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.status = status  # 409 for a conflict (e.g. the site already exists)
        self.extra = extra or {}


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


def target_organization(request: HttpRequest, slug: str | None) -> Organization:
    """The organization to create in: the one named, or the user's only writable one."""
    choices = organizations_for(request.user, write=True)
    if slug:
        organization = choices.filter(slug=slug).first()
        if organization is None:
            if organizations_for(request.user).filter(slug=slug).exists():
                raise HttpError(403, READ_ONLY)
            raise HttpError(404, "no such organization")
        return organization
    organizations = list(choices[:2])
    if not organizations:
        raise HttpError(403, "you cannot create anything in any organization")
    if len(organizations) > 1:
        raise HttpError(422, "you belong to several organizations: give 'organization'")
    return organizations[0]


def invalid_form(form: BaseForm) -> Invalid:
    """A bound form's errors as the 422 body, one error per field and message."""
    errors = [
        {"path": field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    return Invalid("invalid input", errors)


def merged(instance: Model, payload: Any, fields: list[str]) -> dict[str, Any]:
    data = model_to_dict(instance, fields=fields)
    data.update(payload.dict(exclude_unset=True))
    return data


@contextmanager
def as_422() -> Iterator[None]:
    """A service's refusal (ValidationError by field) as the API's 422."""
    try:
        yield
    except ValidationError as error:
        errors = [
            {"path": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        raise Invalid("invalid input", errors) from None
