"""SQL expressions the ORM has no word for, shared by the apps' reads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F, QuerySet, Subquery


class AmongIds(Expression):
    """`column IN (ids)`, where `ids` is a query of ids; on PostgreSQL spelled
    `column = ANY(ARRAY(ids))`, which says the same. `ids` may also be a list of ids read
    before: one parameter either way (an array on PostgreSQL, JSON read by `json_each` on
    SQLite), so the statement is the same for any number of them.

    Why: for the promises taken by a party's cases (`cases.filters.party_desk`), PostgreSQL
    planned `IN (…)` as a hash join over every awaited promise of the database (150,000
    index entries at 10⁶ cases, 28 ms for a common party), as it expects few matches. The
    array is read first (the party's open cases, from their indexes) and then looked up id
    by id in the by-case index of awaited promises (8 ms). SQLite has no arrays, and already
    probes its index by id. The same for a search's newest cases (`cases.search`) and the
    sites a search found (`contracts.selectors`)."""

    conditional = True
    output_field = BooleanField()

    def __init__(
        self, column: str | Expression, ids: QuerySet[Any] | Expression | Sequence[int]
    ) -> None:
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        if isinstance(ids, QuerySet):
            self.ids: Any = Subquery(ids)
        elif isinstance(ids, Expression):
            self.ids = ids
        else:
            self.ids = _IdList(list(ids))

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.ids]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        self.column, self.ids = expressions

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        return self._sql(compiler, "{column} IN {ids}")

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        if isinstance(self.ids, _IdList):
            return self._sql(compiler, "{column} = ANY({ids})")
        return self._sql(compiler, "{column} = ANY(ARRAY{ids})")

    def _sql(self, compiler: Any, template: str) -> tuple[str, tuple[Any, ...]]:
        column, column_params = compiler.compile(self.column)
        ids, ids_params = compiler.compile(self.ids)
        return template.format(column=column, ids=ids), (*column_params, *ids_params)


class _IdList(Expression):
    """A list of ids as one parameter: an array on PostgreSQL, a subquery over its JSON on
    SQLite (`json_each`), where a parameter per id would meet SQLite's limit on them."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        return "(SELECT value FROM json_each(%s))", (json.dumps(self.ids),)

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self.ids,)
