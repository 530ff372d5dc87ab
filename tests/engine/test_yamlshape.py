"""The product's own nesting and alias limits, read from the text before PyYAML parses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.engine.yamlshape import ShapeError, scan_shape

UNLIMITED = 10**9

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(alphabet="ab :#-[]{}*&!|>'\",?\\\n石田", max_size=12),
)
keys = st.text(alphabet="abc :-#'\"石", min_size=1, max_size=6)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=30,
)


def parsed_depth(text: str) -> int:
    """The depth of the document as PyYAML's events show it (lists and mappings)."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from([False, True, None]), st.sampled_from([2, 4]))
def test_depth_matches_the_parsed_document(data: Any, flow: bool | None, indent: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, indent=indent)
    assert scan_shape(text, UNLIMITED, UNLIMITED).depth == parsed_depth(text)


@settings(max_examples=100, deadline=None)
@given(documents)
def test_aliases_are_counted_as_the_parser_counts_them(data: Any) -> None:
    shared = {"x": [data]}
    text = yaml.safe_dump({"a": shared, "b": shared, "c": [shared, shared]}, allow_unicode=True)
    aliases = sum(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=yaml.SafeLoader))
    assert scan_shape(text, UNLIMITED, UNLIMITED).aliases == aliases == 3


def test_a_site_file_nests_a_few_levels() -> None:
    example = Path(__file__).parents[2] / "examples" / "seed004-sonet-cut-before-end.yaml"
    text = example.read_text(encoding="utf-8")
    assert scan_shape(text, 20, 100).depth == parsed_depth(text)


def test_block_nesting_over_the_limit_names_the_line() -> None:
    text = "site:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 25)) + "  " * 25 + "v\n"
    with pytest.raises(ShapeError) as caught:
        scan_shape(text, 20, 100)
    assert (caught.value.line, caught.value.column, str(caught.value)) == (
        21,
        41,
        "nested more than 20 levels deep",
    )


def test_compact_sequences_count_each_level() -> None:
    assert scan_shape("- - - - x\n", UNLIMITED, UNLIMITED).depth == 4


def test_brackets_inside_quotes_comments_and_block_scalars_do_not_nest() -> None:
    text = (
        "a: '[[[['\n"
        'b: "{{{{ \\" [[["\n'
        "c: x  # [[[[[[\n"
        "d: |\n  [[[[[[[[\n  {{{{\n"
        "e: plain [[ text\n"
    )
    assert scan_shape(text, 2, 0).depth == 1


def test_the_first_alias_over_the_limit_stops_the_scan() -> None:
    text = "x: &a 1\ny: [" + ", ".join(["*a"] * 101) + "]\n"
    with pytest.raises(ShapeError) as caught:
        scan_shape(text, 20, 100)
    assert (caught.value.line, caught.value.column) == (2, 405)


def test_an_asterisk_inside_a_value_is_not_an_alias() -> None:
    assert scan_shape("a: 5*3\nb: [x*y, '*z']\n", UNLIMITED, 0).aliases == 0
