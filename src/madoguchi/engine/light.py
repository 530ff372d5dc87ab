"""The light path: a site file read into plain records without pydantic.

`madoguchi assess` spends most of its time importing pydantic and building the models'
validators, for a file that is almost always valid. This module reads the same document
by a *spec* of the models (the field types, constraints, defaults and checks, compiled from
the pydantic models themselves by `lightspec.compile_spec` when the catalog cache is built,
and kept in that cache) into light records that carry the same attributes and methods.

It is only ever a shortcut: whatever it cannot vouch for exactly as pydantic would accept
it (an unknown key, a number where a date is due, a form of a date pydantic may read
differently, a value that breaks a constraint, a type the spec could not describe) raises
`Fallback`, and the caller validates the document with pydantic instead, which gives the
same records or names every problem. So the light path never accepts what pydantic would
refuse, never refuses anything, and never writes an error message of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from madoguchi.engine import kinds

# Node forms of a spec (plain tuples, so a spec can be marshalled):
#   ("str", min_length, max_length, pattern, strip)   strip: the model's str_strip_whitespace
#   ("int", ge, le)          ("bool",)          ("date",)          ("datetime",)
#   ("enum", name)           ("literal", values)
#   ("optional", node)       (None, or the node)
#   ("list", node, none_ok)  ("dict", key, value, none_ok)   none_ok: None reads as empty
#   ("model", name, none_ok)
#   ("after", node, names)   (the node, then the named functions below, in order)
#   ("unknown", why)         (a type the compiler could not describe: always Fallback)
# A model: {"fields": [[name, node, default]], "mixins": [names], "coerce": bool}, with
# default ("required",) | ("value", v) | ("list",) | ("dict",) | ("model", name) |
# ("enum", name, value).

Node = tuple[Any, ...]
Spec = dict[str, Any]


class Fallback(Exception):
    """This document needs pydantic's own validation (it may well be valid)."""


# The functions a field's AfterValidator may name, and whether each only checks (so a
# document already validated, such as the cached catalog, can skip it) or transforms.
AFTER: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "assume_tokyo": (kinds.assume_tokyo, False),
    "valid_hours": (kinds.valid_hours, True),
    "valid_link": (kinds.valid_link, True),
    "bounded_date": (kinds.bounded_date, True),
    "bounded_yen": (kinds.bounded_yen, True),
    "bounded_line_yen": (kinds.bounded_line_yen, True),
}
BEFORE = {"none_to_list": "list", "none_to_dict": "dict"}
ENUMS: dict[str, type[StrEnum]] = {
    name: value
    for name, value in vars(kinds).items()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
}
KINDS = kinds  # the module whose functions a spec may name
MIXINS: dict[str, type] = {
    "DeskMethods": kinds.DeskMethods,
    "ContractMethods": kinds.ContractMethods,
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Only the forms pydantic and datetime.fromisoformat read alike: minutes, optional seconds,
# an optional Z or ±HH:MM offset (no fractions, no other separator).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?")
# Python's str.strip() removes these too; pydantic's (Rust's trim) keeps them.
_NOT_TRIMMED = re.compile("[\x1c-\x1f]")


class LightRecord:
    """A validated record without pydantic: its fields as attributes, compared by value."""

    __slots__ = ()
    model_fields: dict[str, None] = {}

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.model_fields)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LightRecord)
            and type(other) is type(self)
            and (other._values() == self._values())
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._values()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.model_fields)
        return f"{type(self).__name__}({inner})"


class Reader:
    """Reads documents by one spec into records of its classes (one class per model)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.trusted = False
        self.classes: dict[str, type[LightRecord]] = {}
        for name, model in spec.items():
            bases = (*(MIXINS[m] for m in model["mixins"]), LightRecord)
            fields = [field[0] for field in model["fields"]]
            attrs = {"__slots__": tuple(fields), "model_fields": dict.fromkeys(fields)}
            self.classes[name] = type(name, bases, attrs)

    def read(self, name: str, value: Any, *, trusted: bool = False) -> Any:
        """`value` (a mapping) as a light record of the model `name`; Fallback if unsure.
        `trusted` skips the functions that only check (for data validated before, such as
        the cached catalog)."""
        self.trusted = trusted
        try:
            return self._model(name, value)
        finally:
            self.trusted = False

    def _model(self, name: str, value: Any) -> LightRecord:
        if type(value) is not dict:
            raise Fallback(name)
        model = self.spec[name]
        coerce = model["coerce"]
        fields = model["fields"]
        if len(value) > len(fields) or any(type(k) is not str for k in value):
            raise Fallback(name)
        record = object.__new__(self.classes[name])
        seen = 0
        for field, node, default in fields:
            if field in value:
                seen += 1
                result = self._node(node, value[field], coerce)
            else:
                result = self._default(default)
            object.__setattr__(record, field, result)
        if seen != len(value):  # a key the model does not know (an extra): pydantic's call
            raise Fallback(name)
        return record

    def _default(self, default: Node) -> Any:
        kind = default[0]
        if kind == "value":
            return default[1]
        if kind == "list":
            return []
        if kind == "dict":
            return {}
        if kind == "model":
            return self._model(default[1], {})
        if kind == "enum":
            return ENUMS[default[1]](default[2])
        raise Fallback("required field missing")

    def _node(self, node: Node, value: Any, coerce: bool) -> Any:
        kind = node[0]
        if kind == "str":
            if type(value) is not str:
                if coerce and type(value) is int:
                    value = str(value)
                else:
                    raise Fallback("str")
            if node[4]:
                if _NOT_TRIMMED.search(value):
                    raise Fallback("str")
                value = value.strip()
            if node[1] is not None and len(value) < node[1]:
                raise Fallback("str")
            if node[2] is not None and len(value) > node[2]:
                raise Fallback("str")
            if node[3] is not None and ("\n" in value or not re.search(node[3], value)):
                raise Fallback("str")
            return value
        if kind == "optional":
            return None if value is None else self._node(node[1], value, coerce)
        if kind == "enum":
            if type(value) is not str:
                raise Fallback("enum")
            member = ENUMS[node[1]]._value2member_map_.get(value)
            if member is None:
                raise Fallback("enum")
            return member
        if kind == "list":
            if value is None and node[2]:
                return []
            if type(value) is not list:
                raise Fallback("list")
            item = node[1]
            return [self._node(item, v, coerce) for v in value]
        if kind == "model":
            if value is None and node[2]:
                value = {}
            return self._model(node[1], value)
        if kind == "date":
            if type(value) is not str or not _DATE.fullmatch(value):
                raise Fallback("date")
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise Fallback("date") from None
        if kind == "datetime":
            if type(value) is not str or not _DATETIME.fullmatch(value):
                raise Fallback("datetime")
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                raise Fallback("datetime") from None
        if kind == "int":
            if type(value) is not int:
                raise Fallback("int")
            if (node[1] is not None and value < node[1]) or (
                node[2] is not None and value > node[2]
            ):
                raise Fallback("int")
            return value
        if kind == "bool":
            if type(value) is not bool:
                raise Fallback("bool")
            return value
        if kind == "dict":
            if value is None and node[3]:
                return {}
            if type(value) is not dict:
                raise Fallback("dict")
            return {
                self._node(node[1], k, coerce): self._node(node[2], v, coerce)
                for k, v in value.items()
            }
        if kind == "literal":
            if type(value) not in (int, str) or value not in node[1]:
                raise Fallback("literal")
            return value
        if kind == "after":
            result = self._node(node[1], value, coerce)
            for name in node[2]:
                check, only_checks = AFTER[name]
                if only_checks and self.trusted:
                    continue
                try:
                    result = check(result)
                except ValueError:
                    raise Fallback(name) from None
            return result
        raise Fallback(f"{kind}: {node[1:]}")
