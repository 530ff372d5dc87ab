"""Reading a site file: YAML → validated SiteFile, or every problem with its field path.

A problem is reported as `contracts[1].start: '2026-02-30' is not a valid date` so that a
person can fix the file without reading code. Checks that need the catalog or the whole
file (unknown party slugs, duplicate refs, references between sections) run after the
per-field validation, and all problems are collected before anything is reported.

The file is bounded before it is parsed (`limits`): its size, nesting, aliases and records
per section. At most MAX_PROBLEMS problems are listed and at most MAX_SUGGESTIONS get a
"did you mean", so a file full of mistakes costs linear time; every value a message quotes
goes through `quote`, so no message grows with the input.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from madoguchi.engine.catalog import Catalog
from madoguchi.engine.kinds import Service
from madoguchi.engine.light import Fallback
from madoguchi.engine.limits import (
    MAX_PROBLEMS,
    MAX_QUOTE,
    MAX_SUGGESTED_LENGTH,
    MAX_SUGGESTIONS,
    SITE_RECORDS,
    quote,
    record_problems,
    size_problem,
)
from madoguchi.engine.records import Record
from madoguchi.engine.yamlload import YamlError, YamlLimitError, load_yaml

if TYPE_CHECKING:
    from pydantic import BaseModel

    from madoguchi.engine.catalog import LightCatalog
    from madoguchi.engine.model import Contract, SiteFile

# pydantic and the models are imported where a document is validated by them, never at the
# top: `madoguchi assess` reads a valid file on the light path (`read_site_light`) without.


class Problem(Record, frozen=True):
    """One thing wrong with a site file: where (`path`, e.g. contracts[2].start) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SiteFileError(ValueError):
    """A site file that cannot be assessed; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class LoadedSite(Record, frozen=True):
    """A valid site file, with what was read but ignored (`warnings`)."""

    site: SiteFile
    warnings: list[Problem]


def nearest(value: object, choices: Iterable[str]) -> str | None:
    """The closest valid spelling, for 'did you mean …?'.

    Only the choices of about the same length are compared (difflib's ratio cannot reach
    the cutoff otherwise), and a long value gets no hint, so one call costs at most linear
    time in the number of choices.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_SUGGESTED_LENGTH:
        return None
    # ratio = 2·matches / (len(a) + len(b)) ≥ 0.6 needs the shorter at least 3/7 of the longer
    low, high = len(value) * 3 / 7, len(value) * 7 / 3
    near = [c for c in choices if low <= len(c) <= high]
    import difflib  # only a file with a mistake needs it

    found = difflib.get_close_matches(value, near, n=1, cutoff=0.6)
    return found[0] if found else None


class _Hints:
    """'did you mean …?' for the first MAX_SUGGESTIONS problems of one file, then nothing."""

    def __init__(self, budget: int = MAX_SUGGESTIONS) -> None:
        self.budget = budget

    def nearest(self, value: object, choices: Iterable[str]) -> str | None:
        if self.budget <= 0:
            return None
        self.budget -= 1
        return nearest(value, choices)

    def did_you_mean(self, value: object, choices: Iterable[str]) -> str:
        guess = self.nearest(value, choices)
        return f"; did you mean {quote(guess)}?" if guess else ""


def _part(name: str) -> str:
    return name if len(name) <= MAX_QUOTE else f"{name[:MAX_QUOTE]}…"


def format_path(loc: Iterable[str | int]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{_part(str(part))}" if path else _part(str(part))
    return path


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    # pydantic adds validator names (e.g. 'function-after[...]') to some locations.
    return [p for p in loc if isinstance(p, int) or not re.match(r"^[a-z-]+\[", str(p))]


def _describe(error: dict[str, Any], hints: _Hints) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = hints.did_you_mean(value, allowed)
        return f"{quote(value)} is not one of: {', '.join(allowed)}{hint}"
    if kind.startswith("date") or kind.startswith("datetime"):
        reason = str(ctx.get("error", "")).strip()
        shape = (
            "YYYY-MM-DD" if kind.startswith("date_") else "ISO 8601, e.g. 2026-01-31T09:05+09:00"
        )
        because = f": {reason[:200]}" if reason else ""
        return f"{quote(value)} is not a valid {kind.split('_')[0]} ({shape}){because}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "a-z0-9" in pattern:
            return f"{quote(value)} is not a slug (lowercase a-z, 0-9 and -)"
        if r"\d{4}" in pattern:
            return f"{quote(value)} is not a month (YYYY-MM)"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))[:300]
    message = error["msg"]
    return (
        f"{message} (got {quote(value)})" if value is not None and kind != "model_type" else message
    )


# Keys that start with this are a tool's own additions: kept, neither checked nor reported.
EXTENSION_PREFIX = "x-"


def _unknown_keys(
    record: BaseModel, path: list[str | int], hints: _Hints
) -> Iterator[tuple[list[str | int], str, str | None]]:
    """(path, key, nearest known field) for every key the schema does not know."""
    from madoguchi.engine.model import Record

    known = list(type(record).model_fields)
    for key in record.model_extra or {}:
        if key.startswith(EXTENSION_PREFIX):
            continue  # a tool's own addition (e.g. x-madoguchi), allowed by the contract
        yield [*path, key], key, hints.nearest(key, known)
    for name in type(record).model_fields:
        value = getattr(record, name)
        items: list[tuple[list[str | int], Any]]
        if isinstance(value, list):
            items = [([*path, name, i], v) for i, v in enumerate(value)]
        else:
            items = [([*path, name], value)]
        for sub_path, sub in items:
            if isinstance(sub, Record):
                yield from _unknown_keys(sub, sub_path, hints)


def _capped(problems: Iterable[Problem], total: int | None = None) -> list[Problem]:
    """The first MAX_PROBLEMS problems, and one line saying how many more there are."""
    shown = list(itertools.islice(problems, MAX_PROBLEMS + 1))
    if len(shown) <= MAX_PROBLEMS:
        return shown
    more = f"{total - MAX_PROBLEMS:,} more problems" if total else "more problems"
    return [*shown[:MAX_PROBLEMS], Problem("", f"… and {more}; fix these first")]


def parse_site(text: str | bytes, catalog: Catalog) -> LoadedSite:
    """Validate a site file (text, or UTF-8 bytes); raise SiteFileError listing every problem.

    The size is checked first, before the bytes are decoded or parsed."""
    return validate_document(read_document(text), catalog)


def read_site_light(text: str | bytes, light: LightCatalog) -> LoadedSite | None:
    """The site file read on the light path (plain records, no pydantic), or None when it
    cannot vouch for the file: then `parse_site` decides, and names any problem. A file it
    reads is one `parse_site` would accept as it is, with the same values and no warnings;
    the records it returns go with `light.catalog`."""
    try:
        data = read_document(text)
    except SiteFileError:
        return None
    if record_problems(data, SITE_RECORDS):
        return None
    try:
        site = light.reader.read("SiteFile", data)
    except Fallback:
        return None
    if any(True for _ in _cross_check(site, light.catalog, _Hints())):
        return None
    return LoadedSite(site=site, warnings=[])


def read_document(text: str | bytes) -> dict[Any, Any]:
    """A site file's top-level mapping (its size checked before anything is decoded); raise
    SiteFileError when it is too big, not UTF-8, not YAML or not a mapping."""
    if too_big := size_problem(text):
        raise SiteFileError([Problem("", too_big)])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise SiteFileError([Problem("", "not UTF-8 text")]) from None
    try:
        data = load_yaml(text)
    except YamlLimitError as exc:
        raise SiteFileError([Problem("", str(exc))]) from None
    except YamlError as exc:
        raise SiteFileError([Problem("", f"YAML syntax: {exc}")]) from None
    if data is None:
        raise SiteFileError([Problem("", "the file is empty; a site file needs at least site:")])
    if not isinstance(data, dict):
        raise SiteFileError([Problem("", "the top level must be a mapping (site:, contracts:, …)")])
    return data


def validate_document(data: dict[Any, Any], catalog: Catalog) -> LoadedSite:
    """Validate a site-file mapping, read from YAML or built from the server's rows; raise
    SiteFileError listing every problem. One path for both, so what the server stores is
    valid by the same rules as a file."""
    from pydantic import ValidationError

    from madoguchi.engine.model import SiteFile

    if too_many := record_problems(data, SITE_RECORDS):
        raise SiteFileError([Problem(path, message) for path, message in too_many])
    hints = _Hints()
    try:
        site = SiteFile.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = _capped(
            (
                Problem(format_path(_clean_loc(err["loc"])), _describe(dict(err), hints))
                for err in errors
            ),
            len(errors),
        )
        # The rest of the file is checked too, so that one run names every problem: with each
        # invalid optional field left out, the references and cross-field rules still apply.
        if (trimmed := _without_invalid_fields(data, errors)) is not None:
            problems += _capped(_cross_check(trimmed, catalog, hints))
        # A typo in a top-level key shows as a missing section: name the typo too.
        problems += _capped(
            Problem(_part(key), f"is not a known field; did you mean {quote(guess)}?")
            for key in data
            if isinstance(key, str)
            and key not in SiteFile.model_fields
            and not key.startswith(EXTENSION_PREFIX)
            and (guess := hints.nearest(key, SiteFile.model_fields))
        )
        raise SiteFileError(problems) from None

    problems = _capped(_cross_check(site, catalog, hints))
    warnings: list[Problem] = []
    for path, key, guess in _unknown_keys(site, [], hints):
        if guess:
            problems.append(
                Problem(format_path(path), f"is not a known field; did you mean {quote(guess)}?")
            )
        elif len(warnings) < MAX_PROBLEMS:
            warnings.append(Problem(format_path(path), f"unknown field {quote(key)} is ignored"))
    if problems:
        raise SiteFileError(_capped(problems))
    return LoadedSite(site=site, warnings=warnings)


def _without_invalid_fields(data: dict[Any, Any], errors: list[Any]) -> SiteFile | None:
    """The document with every field that failed validation left out, if that makes it valid
    (the fields were optional); else None. Only ever run on a file already refused."""
    from pydantic import ValidationError

    from madoguchi.engine.model import SiteFile

    trimmed = copy.deepcopy(data)
    for err in errors:
        *parents, leaf = err["loc"] or ("",)
        holder: Any = trimmed
        try:
            for key in parents:
                holder = holder[key]
            del holder[leaf]
        except (KeyError, IndexError, TypeError):
            return None
    try:
        return SiteFile.model_validate(trimmed)
    except ValidationError:
        return None


def contract_problems(
    contract: Contract, options: Collection[str], hints: _Hints | None = None
) -> Iterator[tuple[str, str, str]]:
    """(field, rule, message) for what one contract gets wrong on its own. The site file's
    check and the web's contract form both ask this; `rule` lets the form say it in the
    person's language."""
    if contract.option is not None:
        if contract.service != Service.OPTION:
            yield "option", "option-needs-service", "is only for contracts with service: option"
        elif contract.option not in options:
            hint = hints.did_you_mean(contract.option, options) if hints else ""
            message = f"unknown option {quote(contract.option)}{hint}"
            yield "option", "unknown-option", message
    if contract.includes_isp and contract.service != Service.ACCESS:
        yield "includes_isp", "isp-needs-access", "only an access contract can include the ISP"
    if contract.start and contract.end and contract.end < contract.start:
        yield "end", "end-before-start", f"{contract.end} is before start {contract.start}"


def _cross_check(site: SiteFile, catalog: Catalog, hints: _Hints) -> Iterator[Problem]:
    """Checks that need the catalog or more than one field."""
    info = site.site
    if info.prefecture is not None:
        pref = catalog.prefecture(info.prefecture)
        if pref is None:
            hint = hints.did_you_mean(info.prefecture, catalog.prefecture_names())
            yield Problem("site.prefecture", f"{quote(info.prefecture)} is not a prefecture{hint}")
        elif info.region is not None and info.region != pref.region:
            yield Problem(
                "site.region",
                f"{info.region} does not match {pref.name}, which is in NTT {pref.region}",
            )

    local_slugs: set[str] = set()
    desk_slugs: set[str] = set()
    for i, party in enumerate(site.parties):
        if party.slug in local_slugs:
            yield Problem(f"parties[{i}].slug", f"{quote(party.slug)} is defined twice")
        local_slugs.add(party.slug)
        for j, desk in enumerate(party.desks):
            if desk.slug in desk_slugs:
                yield Problem(
                    f"parties[{i}].desks[{j}].slug", f"{quote(desk.slug)} is defined twice"
                )
            desk_slugs.add(desk.slug)
    known_parties = set(catalog.parties) | local_slugs

    def unknown_party(slug: str, path: str) -> Problem | None:
        if slug in known_parties:
            return None
        hint = hints.did_you_mean(slug, known_parties)
        return Problem(
            path, f"unknown party {quote(slug)}: add it under parties: or use a catalog slug{hint}"
        )

    refs: dict[str, int] = {}
    for i, contract in enumerate(site.contracts):
        at = f"contracts[{i}]"
        if contract.ref in refs:
            yield Problem(
                f"{at}.ref",
                f"{quote(contract.ref)} is already used by contracts[{refs[contract.ref]}]",
            )
        refs.setdefault(contract.ref, i)
        if problem := unknown_party(contract.party, f"{at}.party"):
            yield problem
        for field, _rule, message in contract_problems(contract, catalog.options, hints):
            yield Problem(f"{at}.{field}", message)

    def unknown_ref(ref: str | None, path: str) -> Problem | None:
        if ref is None or ref in refs:
            return None
        return Problem(path, f"no contract has ref {quote(ref)}{hints.did_you_mean(ref, refs)}")

    for i, event in enumerate(site.events):
        if problem := unknown_ref(event.contract, f"events[{i}].contract"):
            yield problem
        if event.party and (problem := unknown_party(event.party, f"events[{i}].party")):
            yield problem

    for i, slug in enumerate(site.observations.said_no_contract):
        if problem := unknown_party(slug, f"observations.said_no_contract[{i}]"):
            yield problem
    for i, slug in enumerate(site.observations.outage_notice):
        if problem := unknown_party(slug, f"observations.outage_notice[{i}]"):
            yield problem

    for i, bill in enumerate(site.bills):
        if problem := unknown_party(bill.party, f"bills[{i}].party"):
            yield problem
        if problem := unknown_ref(bill.contract, f"bills[{i}].contract"):
            yield problem
        elif bill.contract is not None:
            holder = site.contracts[refs[bill.contract]].party
            if holder != bill.party:
                yield Problem(
                    f"bills[{i}].contract",
                    f"contract {quote(bill.contract)} is held by {quote(holder)}, "
                    f"not {quote(bill.party)}",
                )

    case_refs: set[str] = set()
    for i, case in enumerate(site.cases):
        if case.ref in case_refs:
            yield Problem(f"cases[{i}].ref", f"{quote(case.ref)} is defined twice")
        case_refs.add(case.ref)
        for j, promise in enumerate(case.promises):
            if problem := unknown_party(promise.by, f"cases[{i}].promises[{j}].by"):
                yield problem
        for j, report in enumerate(case.reports):
            if problem := unknown_party(report.party, f"cases[{i}].reports[{j}].party"):
                yield problem
        started, ended = case.outage_started, case.outage_ended
        if started is not None and ended is not None and ended < started:
            yield Problem(
                f"cases[{i}].outage_ended",
                f"{ended.isoformat()} is before outage_started {started.isoformat()}",
            )


def document_problems(data: dict[str, Any], catalog: Catalog) -> list[Problem]:
    """Every problem of a site-file mapping (empty when it is valid)."""
    try:
        validate_document(data, catalog)
    except SiteFileError as exc:
        return exc.problems
    return []
