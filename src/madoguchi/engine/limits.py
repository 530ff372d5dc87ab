"""How much input the engine reads, and why: every limit in one place.

A site file describes one office or home: a few parties, a dozen contracts, some years of
events and bills. The limits below are far above anything such a file reaches, yet small
enough that a hostile file (a huge upload, deep nesting, an alias bomb, thousands of records)
is refused quickly, before it costs the server memory or minutes of CPU. The web import, the
API and the CLI all apply them through `parse_site`; a later importer (bill files) calls
`size_problem` on the raw bytes and `record_problems` on the parsed data itself.

YAML aliases (`*name`) are allowed, because a person may reuse a desk's hours or a note, but
bounded: at most MAX_ALIASES of them, and the document with every alias expanded may hold at
most MAX_NODES values, so a few hundred bytes cannot stand for gigabytes.

Error messages quote what a person wrote only through `quote`, which shortens it: a message
must never grow with the input.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterator, Mapping
from typing import Any

#: A site file's size in bytes (UTF-8). Real files are a few KB; the examples are under 10 KB.
MAX_FILE_BYTES = 1_000_000
#: Lists and mappings inside one another. A site file needs 6 (parties → desks → purposes).
MAX_DEPTH = 20
#: Alias uses (`*name`) in one file.
MAX_ALIASES = 100
#: Values (scalars, lists, mappings) in the document once aliases are expanded. A 1 MB file
#: written out by hand holds fewer; only an alias bomb reaches it.
MAX_NODES = 250_000
#: Files in one web import (the form accepts several at once).
MAX_UPLOAD_FILES = 20
#: Bytes of one request that carries site files: the file, its JSON escaping or multipart
#: framing. The web import form carries up to MAX_UPLOAD_FILES files.
MAX_REQUEST_BYTES = 2 * MAX_FILE_BYTES + 64_000
#: Problems reported for one file; the rest are summarized in one line.
MAX_PROBLEMS = 100
#: "Did you mean …?" hints computed for one file, and the longest value that gets one.
MAX_SUGGESTIONS = 50
MAX_SUGGESTED_LENGTH = 100
#: Characters of a person's value quoted in an error message (a whole slug or ref fits).
MAX_QUOTE = 80

#: Records per section of a site file ("[]" walks every item of a list).
SITE_RECORDS: Mapping[str, int] = {
    "parties": 200,
    "parties[].desks": 50,
    "contracts": 500,
    "contracts[].ids": 50,
    "events": 2_000,
    "symptoms": 50,
    "observations.said_no_contract": 200,
    "observations.outage_notice": 200,
    "bills": 5_000,
    "cases": 500,
    "cases[].promises": 200,
}

_repr = reprlib.Repr(
    maxlevel=2, maxtuple=4, maxlist=4, maxdict=4, maxset=4, maxstring=MAX_QUOTE, maxother=40
)
_repr.maxlong = 40


def quote(value: object, limit: int = MAX_QUOTE) -> str:
    """`repr(value)` cut to about `limit` characters, at a cost that does not grow with it."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    text = _repr.repr(value)
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "…"


def size_problem(raw: bytes | str, limit: int = MAX_FILE_BYTES) -> str | None:
    """Why `raw` is too large to read (before decoding or parsing it), or None."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    return None if size <= limit else size_message(size, limit)


def size_message(size: int, limit: int = MAX_FILE_BYTES) -> str:
    return f"the file is {size:,} bytes; at most {limit:,} bytes are accepted"


def _walk(data: Any, path: str, parts: list[str]) -> Iterator[tuple[str, Any]]:
    """(path, value) for every value the pattern `parts` names in `data`."""
    if not parts:
        yield path, data
        return
    head, *rest = parts
    each = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(data, dict) or key not in data:
        return
    value = data[key]
    here = f"{path}.{key}" if path else key
    if not each:
        yield from _walk(value, here, rest)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{here}[{i}]", rest)


def record_problems(data: Any, limits: Mapping[str, int] = SITE_RECORDS) -> list[tuple[str, str]]:
    """(path, message) for every list or mapping with more records than `limits` allows.

    Runs on the parsed YAML before validation, so thousands of records are refused before
    each is validated and cross-checked.
    """
    found: list[tuple[str, str]] = []
    for pattern, limit in limits.items():
        for path, value in _walk(data, "", pattern.split(".")):
            if isinstance(value, list | dict) and len(value) > limit:
                found.append((path, f"{len(value):,} entries; at most {limit:,} are accepted"))
                if len(found) >= MAX_PROBLEMS:
                    return found
    return found
