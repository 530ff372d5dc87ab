"""YAML loading with YAML 1.2-style scalars.

PyYAML follows YAML 1.1, which turns the ONU lamp states `on`/`off` into booleans, reads a
phone number such as 0120000000 as an octal integer and raises on an impossible date such
as 2026-02-30 before any field name is known. Site files need none of that: dates stay
strings for the validator to parse (so the error names the field), only true/false are
booleans, and a number with a leading zero stays a string. Duplicate keys are an error
instead of silently keeping the last one.

Before libyaml reads the text, `yamlshape.scan_shape` refuses one nested deeper than
MAX_DEPTH or with more than MAX_ALIASES aliases from its characters alone, so the message is
the product's own whatever PyYAML is installed (6.0.4's libyaml refuses deep nesting itself,
in its own words, before the events below would show it). Then, before anything is built,
one pass over the parser's events (flat, no recursion) refuses a
document nested deeper than MAX_DEPTH (libyaml's composer recurses and crashes the process
at some ten thousand levels), with more than MAX_ALIASES aliases, or that expands to more
than MAX_NODES values (an alias bomb); see `limits`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from madoguchi.engine.limits import MAX_ALIASES, MAX_DEPTH, MAX_NODES, quote
from madoguchi.engine.yamlshape import ShapeError, scan_shape

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """A file that is not well-formed YAML; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise YamlError(
                    f"line {key_node.start_mark.line + 1}: duplicate key {quote(key)}",
                    key_node.start_mark.line + 1,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
        list("-+0123456789."),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


class YamlLimitError(YamlError):
    """Well-formed YAML, but more of it than a file may hold (see `limits`)."""


def _refuse(event: Any, message: str) -> YamlError:
    mark = event.start_mark
    return YamlLimitError(
        f"line {mark.line + 1}, column {mark.column + 1}: {message}", mark.line + 1
    )


def check_shape(text: str) -> None:
    """Raise YamlError if the document is too deep, has too many aliases or expands too far.

    Linear in the text and never recursive. Each open list or mapping counts its values, an
    alias counts as the values of what it names, so the count is the expanded size.
    """
    try:
        scan_shape(text, MAX_DEPTH, MAX_ALIASES)
    except ShapeError as exc:
        raise YamlLimitError(f"line {exc.line}, column {exc.column}: {exc}", exc.line) from None
    loader = _StrictLoader(text)
    try:
        sizes: dict[str | None, int] = {}  # anchor → values in the node it names
        open_nodes: list[list[Any]] = []  # [anchor, values so far] per open collection
        aliases = 0
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                if len(open_nodes) >= MAX_DEPTH:
                    raise _refuse(event, f"nested more than {MAX_DEPTH} levels deep")
                open_nodes.append([event.anchor, 1])
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, count = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = count
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise _refuse(event, f"more than {MAX_ALIASES} aliases (*name)")
                count = sizes.get(event.anchor, 1)
            elif isinstance(event, yaml.ScalarEvent):
                count = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            else:
                continue
            if open_nodes:
                open_nodes[-1][1] += count
                count = open_nodes[-1][1]
            if count > MAX_NODES:
                raise _refuse(
                    event,
                    f"the document holds more than {MAX_NODES:,} values once aliases are expanded",
                )
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """Parse one YAML document; raise YamlError with the line on any syntax problem."""
    try:
        check_shape(text)
        return yaml.load(text, Loader=_StrictLoader)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "not valid YAML"
        where = f"line {line}, column {mark.column + 1}: " if mark is not None else ""
        raise YamlError(f"{where}{problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from None
