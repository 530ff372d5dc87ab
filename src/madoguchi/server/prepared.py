"""Reads compiled once per process with placeholder values, then run with each request's.

`prepared_reads` says why and how; the dashboard uses it for its lists
(`cases.selectors.desk_lists`), its site picker (`cases.selectors.site_choices`) and its
receivables panel (`receivables.selectors.organization_totals`); every request for its
session (`server.sessions`) and its user (`orgs.selectors.user_with_roles`); the case page,
its panels and a site's first look (`cases.assessment.load_site_file_rows`) through
`prepared_or_built`; the case search for the reads that choose its plan (`cases.search`),
where a word also stands inside LIKE's patterns.

`unprepared` is the other way round: reads PostgreSQL must plan for each run's values, never
keep prepared (the site search's ids, `contracts.selectors`, through `planned_for_its_values`;
the case search's trigram candidates, through `planned_each_run`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# A read as the builder gives it: a `.values()` queryset (rows come back as dicts, through
# the fields' converters), a model queryset (instances, with what it selects related, as
# the ORM makes them; no prefetch) or raw SQL with its parameters (one row, as a tuple).
Read = QuerySet[Any, Any] | tuple[str, Sequence[Any]]
# What the builder is given, by name: organization ids under "organization" (a list), every
# other value by its own name: a datetime, a date, an int, a str, or a list of those (each
# element its own placeholder; the lists' lengths are part of the shape).
Values = Mapping[str, Any]

# Values no request passes (no row has such an id; no date of the desk is in 1901),
# compiled in place of the request's so their positions among the parameters can be found.
# The ids stay within a 32-bit integer column's range (auth's users): Django compiles a
# filter on a larger value to "no row" on PostgreSQL, without a parameter to find.
_PLACEHOLDER_ID = 2_147_000_000
_PLACEHOLDER_DAY = dt.datetime(1901, 2, 3, tzinfo=dt.UTC)
_PLACEHOLDER_TEXT = "\x1fmadoguchi-placeholder-{}"  # no slug or name holds a control character
# At most this many shapes are kept (a shape is a combination of the filters, the number
# of organizations and the page numbers); past that the cache starts again.
_MAX_SHAPES = 256


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, tuple[str, int]]  # parameter position → (name, index in a list)
    # A text value inside a pattern of LIKE (`contains`, `icontains`): position → its name
    # and the wildcards around it, "%" or "" on each side.
    patterns: dict[int, tuple[str, str, str]]
    names: tuple[str, ...] | None  # of a values queryset's columns; None: raw SQL
    # (column index, its converters, the selected expression): found once, as the ORM finds
    # them on every read. They depend on the database's engine and settings only, the same
    # for every connection to it (the statement is kept per database alias).
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]
    instances: _Instances | None = None  # of a model queryset: how rows become instances


@dataclass(frozen=True)
class _Instances:
    """How a model queryset's rows become instances: what Django's ModelIterable finds
    from the compiled query on every read, found once."""

    model: type[Model]
    start: int  # the model's own columns in a row: row[start:end]
    end: int
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]  # select_related's, each filling its object from the row
    annotations: tuple[tuple[str, int], ...]

    def make(self, row: Sequence[Any]) -> Model:
        instance = self.model.from_db(connection.alias, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, instance)
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


_PREPARED: dict[tuple[Any, ...], list[_Statement] | None] = {}
_UNPREPARED: Any = object()


def prepared_reads(
    shape: tuple[Any, ...],
    build: Callable[[Values], Sequence[Read]],
    values: Values,
    *,
    scope: str = "organization",
    planned_each_run: bool = False,
) -> list[list[Any]] | None:
    """Run the reads `build(values)` makes, from statements compiled once per process,
    database and `shape`; None when they cannot be prepared (the caller reads as usual).
    `planned_each_run`: PostgreSQL plans them for each run's values (`unprepared` says when).

    Why: the dashboard's lists (open cases, overdue promises, those due soon and their
    counts) are a few indexed reads (well under a millisecond of SQL at 10⁵ cases), but
    building them through the ORM (filters, joins, `.values()` of thirteen columns, the
    compiler) cost ~9 ms of Python on every dashboard, the largest part of its CPU after the
    rendering (issue 26). The statements only vary by a few values (the organization ids,
    the time, the site and assignee asked for) for a given shape (which filters are set, how
    many organizations, which page), so `build` is run once per shape with placeholder
    values, the positions of those values among the parameters are noted, and each request
    runs the same SQL with its own values through the same converters: the rows are
    `build(values)`'s by construction (the same queries, as many).

    Tenancy: `values["organization"]` are the user's organization ids; a shape is only
    prepared when every statement holds each organization placeholder, and every placeholder
    is found somewhere, so each statement is scoped by the request's own ids (a statement
    the placeholders cannot be told apart in is never used: None). A read that is not an
    organization's (the request's session, the logged-in user) names the value that scopes
    it instead (`scope`), under the same rule.

    `shape` must name everything else the statements depend on: anything in `values` is a
    placeholder, nothing outside it may vary.
    """
    if not _scopes(values, scope):
        return None  # nothing to scope the statements by (a user of no organization)
    lengths = tuple(len(v) for v in values.values() if isinstance(v, list | tuple))
    key = (connection.alias, lengths, scope, *values, *shape)
    statements = _PREPARED.get(key, _UNPREPARED)  # one lookup: another thread may clear it
    if statements is _UNPREPARED:
        if len(_PREPARED) >= _MAX_SHAPES:
            _PREPARED.clear()
        statements = _PREPARED[key] = _prepare(build, values, scope)
    if statements is None:
        return None
    with unprepared() if planned_each_run else nullcontext():
        return [_run(statement, values) for statement in statements]


def prepared_or_built(
    shape: tuple[Any, ...],
    build: Callable[[Values], Sequence[QuerySet[Any, Any]]],
    values: Values,
    *,
    scope: str = "organization",
    planned_each_run: bool = False,
) -> list[list[Any]]:
    """The rows of `prepared_reads`, or, when its reads cannot be prepared (or nothing
    scopes them), of the same querysets `build(values)` makes, read through the ORM: the same
    rows either way, so a caller has one path."""
    read = prepared_reads(shape, build, values, scope=scope, planned_each_run=planned_each_run)
    if read is not None:
        return read
    with unprepared() if planned_each_run else nullcontext():
        return [list(queryset) for queryset in build(values)]


def keep_prefetched(instance: Model, name: str, rows: list[Any]) -> None:
    """`rows` kept on `instance` as `prefetch_related(name)` keeps a reverse foreign key's
    rows: `instance.<name>.all()` then asks nothing, and each row holds `instance`. For the
    rows of `prepared_or_built`, which refuses a prefetch (what the ORM adds after a read)."""
    manager = getattr(instance, name)
    for row in rows:
        manager.field.set_cached_value(row, instance)
    kept = manager.get_queryset()  # the related manager's: filtered to the instance
    kept._result_cache = rows
    kept._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = kept


def _scopes(values: Values, scope: str) -> list[Any]:
    value = values[scope]
    return list(value) if isinstance(value, list | tuple) else [value]


def _placeholders(values: Values) -> dict[str, Any]:
    """A placeholder of the same type for each value (in a list: one for each element),
    every one different from every other."""
    answer: dict[str, Any] = {}
    count = iter(range(1_000_000))

    def one(name: str, value: Any) -> Any:
        number = next(count)
        if isinstance(value, dt.datetime):
            return _PLACEHOLDER_DAY + dt.timedelta(days=number)
        if isinstance(value, dt.date):
            return (_PLACEHOLDER_DAY + dt.timedelta(days=number)).date()
        if isinstance(value, int) and not isinstance(value, bool):
            return _PLACEHOLDER_ID + number
        if isinstance(value, str):
            return _PLACEHOLDER_TEXT.format(number)
        raise TypeError(f"{name}: no placeholder for {type(value).__name__}")

    for name, value in values.items():
        if isinstance(value, list | tuple):
            answer[name] = [one(name, element) for element in value]
        else:
            answer[name] = one(name, value)
    return answer


def _adapted(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _prepare(
    build: Callable[[Values], Sequence[Read]], values: Values, scope: str
) -> list[_Statement] | None:
    placeholders = _placeholders(values)
    scopes = _scopes(values, scope)
    where: dict[Any, tuple[str, int]] = {}
    for name, value in placeholders.items():
        for index, one in enumerate(value if isinstance(value, list) else [value]):
            where[_adapted(one)] = (name, index)
    # A text value (not in a list) may also stand inside a pattern (`_patterns`).
    texts = {one: name for name, one in placeholders.items() if isinstance(one, str)}
    statements = []
    found: set[tuple[str, int]] = set()
    for read in build(placeholders):
        if isinstance(read, QuerySet):
            compiler = read.query.get_compiler(using=read.db)
            sql, params = compiler.as_sql()
            columns = tuple(column for column, _sql, _alias in compiler.select)
            query = read.query
            selected = (*query.extra_select, *query.values_select, *query.annotation_select)
            names: tuple[str, ...] | None = selected
            instances = None
            if read._iterable_class is ModelIterable:
                after = read._prefetch_related_lookups or read._known_related_objects  # type: ignore[attr-defined]
                if after:
                    return None  # what the ORM adds after the read: not here
                instances, names = _instances(read, compiler), None
            elif len(selected) != len(columns):
                return None
        else:
            (sql, params), names, columns, instances = read, None, (), None
        slots = {
            position: where[value]
            for position, value in enumerate(params)
            if _hashable(value) and value in where
        }
        patterns = _patterns(params, texts)
        scoped = {index for name, index in slots.values() if name == scope}
        if scoped != set(range(len(scopes))):
            return None  # a statement not scoped by every placeholder of the scope
        found.update(slots.values())
        found.update((name, 0) for name, _before, _after in patterns.values())
        statements.append(
            _Statement(sql, tuple(params), slots, patterns, names, _converters(columns), instances)
        )
    return statements if found == set(where.values()) else None


def _patterns(params: Sequence[Any], texts: Mapping[str, str]) -> dict[int, tuple[str, str, str]]:
    """The parameters that are a text placeholder (`texts`: placeholder → its value's name)
    with LIKE's wildcards around it. Django passes `title__icontains=word` as the pattern
    "%word%", the word escaped for LIKE (`prep_for_like_query`), so the placeholder is found
    inside it and each run's word is escaped the same way. Only "%" may surround it."""
    found = {}
    for position, value in enumerate(params):
        if not isinstance(value, str) or value in texts:
            continue
        core = value.strip("%")
        if core in texts:
            start = value.index(core)
            found[position] = (texts[core], value[:start], value[start + len(core) :])
    return found


def _instances(read: QuerySet[Any], compiler: Any) -> _Instances:
    """As ModelIterable reads them from the compiler (after `as_sql`)."""
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Instances(
        model=klass_info["model"],
        start=start,
        end=end,
        init_list=tuple(column[0].target.attname for column in select[start:end]),
        # (django-stubs describe a later Django, with a fetch mode.)
        populators=tuple(get_related_populators(klass_info, select, read.db)),  # type: ignore[call-arg]
        annotations=tuple((compiler.annotation_col_map or {}).items()),
    )


def _converters(columns: Sequence[Any]) -> tuple[tuple[int, tuple[Any, ...], Any], ...]:
    found = []
    for index, column in enumerate(columns):
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            found.append((index, tuple(functions), column))
    return tuple(found)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _run(statement: _Statement, values: Values) -> list[Any]:
    params = list(statement.params)
    for position, (name, index) in statement.slots.items():
        value = values[name][index] if isinstance(values[name], list | tuple) else values[name]
        params[position] = _adapted(value)
    for position, (name, before, after) in statement.patterns.items():
        params[position] = before + connection.ops.prep_for_like_query(values[name]) + after
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    names, instances = statement.names, statement.instances
    if names is None and instances is None:
        return rows
    converters = statement.converters
    answer = []
    for row in rows:
        if converters:
            row = list(row)
            for index, functions, column in converters:
                value = row[index]
                for function in functions:
                    value = function(value, column, connection)
                row[index] = value
        if instances is not None:
            answer.append(instances.make(row))
        else:
            answer.append(dict(zip(names, row, strict=True)))  # type: ignore[arg-type]
    return answer


def planned_for_its_values(queryset: QuerySet[Any, Any]) -> list[Any]:
    """The rows of `queryset`, its statement planned for the values it is run with
    (`unprepared` says why)."""
    with unprepared():
        return list(queryset)


@contextmanager
def unprepared() -> Iterator[None]:
    """On PostgreSQL, statements run here are planned for their values each time.

    Why: on PostgreSQL the connection keeps a statement it has run twice prepared
    (settings.POSTGRESQL_PREPARED), and after five runs PostgreSQL may keep one plan for any
    values. A plan made for any search word cannot know that the word's trigrams are rare:
    the site search's union then read every contract of the organization for its IDs (5 ms
    at 10⁶ cases, and 11 → 30 ms for the page) instead of asking their trigram index (0.05
    ms). Here the statements are sent unprepared, so each is planned each time (about 0.3
    ms). Elsewhere nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None  # psycopg: prepare nothing, use nothing prepared
    try:
        yield
    finally:
        driver.prepare_threshold = threshold
