"""One filter for every list of cases: the dashboard, the all-cases page and
`GET /api/v1/cases` take the same parameters with the same meaning, so a case found on the
web is found through the API with the same words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.db.models import Q, QuerySet
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from madoguchi.cases.models import Case, Promise, Status
from madoguchi.cases.search import search_cases
from madoguchi.directory.selectors import party_slugs_named
from madoguchi.orgs.selectors import organizations_for
from madoguchi.orgs.types import AnyUser

MAX_ID = 2**63 - 1  # the largest id the database holds (larger ones match nothing anyway)


class CaseFilter(BaseModel):
    """What a list of cases is narrowed by; every field empty: no narrowing."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    status: Status | Literal[""] = Field("", description="the case's status")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="the site's id")
    party: str = Field(
        "",
        max_length=80,
        description="a party the case (or a promise) is first with or waits on: its slug, "
        "name, English name or a name people use for it (ドコモ, ソネット)",
    )
    assignee: str = Field("", max_length=20, description="a user id, or me")
    q: str = Field(
        "",
        max_length=200,
        description="a reference number, words of a title or site name, or the name of a "
        "party the case is with",
    )

    @field_validator("site", mode="before")
    @classmethod
    def _empty_site_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("party", "q")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> CaseFilter:
        """The filter of a page's query string; a malformed value is left out (a hand-edited
        URL shows the list without it rather than an error page)."""
        data = {name: query.get(name, "") for name in cls.model_fields}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                data.pop(str(error["loc"][0]), None)
            return cls.model_validate(data)

    def assignee_id(self, user: AnyUser) -> int | None:
        """The assignee asked for: None for anyone; "me", a user id, else nobody (-1)."""
        if not self.assignee:
            return None
        if self.assignee == "me":
            return user.pk if user.pk is not None else -1
        if self.assignee.isascii() and self.assignee.isdigit() and int(self.assignee) <= MAX_ID:
            return int(self.assignee)
        return -1

    def cases(self, cases: QuerySet[Case], user: AnyUser) -> QuerySet[Case]:
        """`cases` narrowed by every field, `q` through `search_cases`."""
        cases = self._narrow(cases, user, prefix="")
        if self.status:
            cases = cases.filter(status=self.status)
        if self.q:
            named = party_slugs_named(organizations_for(user), self.q)
            cases = search_cases(cases, self.q, parties=named)
        return cases

    def promises(self, promises: QuerySet[Promise], user: AnyUser) -> QuerySet[Promise]:
        """Promises of the cases the filter keeps (by assignee, site, party and status; the
        party that promised counts as well). `q` narrows the lists of cases only."""
        promises = self._narrow(promises, user, prefix="case__")
        if self.status:
            promises = promises.filter(case__status=self.status)
        return promises

    def _narrow(self, rows: QuerySet, user: AnyUser, *, prefix: str) -> QuerySet:
        if (assignee := self.assignee_id(user)) is not None:
            rows = rows.filter(**{f"{prefix}assignee_id": assignee})
        if self.site is not None:
            rows = rows.filter(**{f"{prefix}site_id": self.site})
        if self.party:
            slugs = sorted(self.party_slugs(user))
            match = Q(**{f"{prefix}first_party__in": slugs}) | Q(
                **{f"{prefix}waiting_on__in": slugs}
            )
            if prefix:  # promises: the party that promised counts too
                match |= Q(by__in=slugs)
            rows = rows.filter(match)
        return rows

    def party_slugs(self, user: AnyUser) -> set[str]:
        """The slugs `party` stands for: itself, and every party it names (ドコモ →
        docomo-hikari), resolved once so the rows are filtered by their indexed slugs."""
        return {self.party} | party_slugs_named(organizations_for(user), self.party)
