"""How deep a YAML text nests and how many aliases it uses, read from the characters alone.

Why a scanner of our own: the product promises its own limits (`limits.MAX_DEPTH`,
`limits.MAX_ALIASES`) with its own message naming the line, whatever PyYAML is installed.
libyaml has grown a nesting limit of its own (PyYAML 6.0.4: "exceeded maximum nesting
depth"), and its scanner reads a run of `[[[[` ahead of the events we count, so a check over
its events can lose the race and the person would get the parser's wording. This pass runs
before libyaml sees the text and stops at the first character over a limit.

It is a lexer, not a parser: it tracks what makes YAML nest (block sequences and mappings by
their columns, flow brackets, quoted and block scalars, comments) and counts aliases where a
node may start. For any text libyaml accepts, the depth it reports equals the depth of the
parsed document (tests/engine/test_yamlshape.py holds it to that over generated documents);
text libyaml would refuse anyway only needs to be refused, and is, by one of the two.
The scan is linear and never recursive.
"""

from __future__ import annotations

import re

from madoguchi.engine.records import Record

#: The characters that can change the state inside a flow collection.
_FLOW_SIGNIFICANT = re.compile(r"[\[\]{}'\"#*,:?]")
#: A block scalar's header: `|` or `>` with optional indentation and chomping indicators.
_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")
#: Line breaks as PyYAML counts them (YAML 1.1), so a line number here is the parser's too.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
#: An anchor or a tag before a node's content.
_PROPERTY = re.compile(r"[&!][^ \t,\[\]{}]*[ \t]*")


class ShapeError(ValueError):
    """The text nests deeper, or uses more aliases, than allowed; 1-based line and column."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class Shape(Record, frozen=True):
    """How deep a YAML text nests and how many aliases it uses."""

    depth: int
    aliases: int


class _Scanner:
    def __init__(self, max_depth: int, max_aliases: int) -> None:
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.block: list[tuple[int, str]] = []  # (column, "seq" | "map") of open collections
        self.flow = 0  # open flow brackets
        self.aliases = 0
        self.depth = 0
        self.quote = ""  # the open quote of a scalar that goes on to the next line
        self.scalar_indent: int | None = None  # inside a block scalar: its parent's column
        self.expect_node = True  # in a flow collection: a node may start here
        self.lineno = 0

    # -- counting ---------------------------------------------------------------------------
    def _deeper(self, column: int) -> None:
        depth = len(self.block) + self.flow
        self.depth = max(self.depth, depth)
        if depth > self.max_depth:
            raise ShapeError(
                f"nested more than {self.max_depth} levels deep", self.lineno, column + 1
            )

    def _alias(self, column: int) -> None:
        self.aliases += 1
        if self.aliases > self.max_aliases:
            raise ShapeError(
                f"more than {self.max_aliases} aliases (*name)", self.lineno, column + 1
            )

    def _open_block(self, column: int, kind: str) -> None:
        if self.block and self.block[-1] == (column, kind):
            return
        self.block.append((column, kind))
        self._deeper(column)

    # -- lines --------------------------------------------------------------------------------
    def line(self, line: str) -> None:
        self.lineno += 1
        if self.scalar_indent is not None:
            content = line.lstrip(" ")
            if not content or len(line) - len(content) > self.scalar_indent:
                return  # a line of the block scalar's text
            self.scalar_indent = None
        at = 0
        if self.quote:
            at = self._quoted(line, 0, self.quote)
            if self.quote:
                return
        if self.flow:
            self._flow(line, at)
            return
        if at:
            return  # the rest of a line that closed a quoted value: nothing nests there
        self._block_line(line)

    def _block_line(self, line: str) -> None:
        content = line.lstrip(" ")
        if not content or content[0] == "#" or content[0] == "%":
            return
        column = len(line) - len(content)
        if column == 0 and content[:3] in ("---", "...") and content[3:4] in ("", " ", "\t"):
            self.block.clear()  # a new document (or the end of one)
            rest = content[3:].lstrip(" \t")
            if rest and rest[0] != "#":
                self._node(line, len(line) - len(rest))
            return
        while self.block and self.block[-1][0] > column:
            self.block.pop()
        self._node(line, column)

    def _node(self, line: str, at: int) -> None:
        """A block node starting at `at`: entries and keys open collections, then its value."""
        while True:
            char = line[at : at + 1]
            after = line[at + 1 : at + 2]
            if char in ("-", "?") and after in ("", " ", "\t"):
                if char == "-":
                    self._open_block(at, "seq")
                else:
                    self._open_block(at, "map")
                rest = line[at + 1 :].lstrip(" \t")
                if not rest or rest[0] == "#":
                    return
                at = len(line) - len(rest)
                continue
            break
        value = self._after_key(line, at)
        if value is not None:
            while self.block and self.block[-1] == (at, "seq"):
                self.block.pop()  # a key at a sequence's column belongs to the mapping above
            self._open_block(at, "map")
            rest = line[value:].lstrip(" \t")
            if not rest or rest[0] == "#":
                return
            at = len(line) - len(rest)
        self._value(line, at)

    def _after_key(self, line: str, at: int) -> int | None:
        """Where the value starts if a mapping key starts at `at`, else None."""
        char = line[at : at + 1]
        if char in ("'", '"'):
            end = self._quote_end(line, at + 1, char)
            if end is None:
                return None
            rest = line[end:].lstrip(" \t")
            if rest[:1] == ":" and rest[1:2] in ("", " ", "\t"):
                return len(line) - len(rest) + 1
            return None
        if char in ("", "[", "{", "|", ">", "*", "&", "!", "#", "@", "`", "%"):
            return None
        position = at
        while (colon := line.find(":", position)) != -1:
            comment = line.find(" #", at, colon)
            if comment != -1:
                return None
            if line[colon + 1 : colon + 2] in ("", " ", "\t"):
                return colon + 1
            position = colon + 1
        return None

    def _value(self, line: str, at: int) -> None:
        while match := _PROPERTY.match(line, at):
            if match.end() == at:
                break
            at = match.end()
        char = line[at : at + 1]
        if char in ("[", "{"):
            self._flow(line, at)
        elif char == "*":
            self._alias(at)
        elif char in ("'", '"'):
            self._quoted(line, at + 1, char)
        elif char in ("|", ">") and _BLOCK_SCALAR.match(line, at):
            self.scalar_indent = self.block[-1][0] if self.block else -1

    # -- scalars and flow ------------------------------------------------------------------------
    @staticmethod
    def _quote_end(line: str, at: int, quote: str) -> int | None:
        """The position after the closing `quote` at or after `at`, or None on this line."""
        while (end := line.find(quote, at)) != -1:
            if quote == "'":
                if line[end + 1 : end + 2] == "'":
                    at = end + 2
                    continue
                return end + 1
            backslashes = len(line[at:end]) - len(line[at:end].rstrip("\\"))
            if backslashes % 2:
                at = end + 1
                continue
            return end + 1
        return None

    def _quoted(self, line: str, at: int, quote: str) -> int:
        end = self._quote_end(line, at, quote)
        if end is None:
            self.quote = quote
            return len(line)
        self.quote = ""
        return end

    def _flow(self, line: str, at: int) -> None:
        """Scan flow content from `at`: brackets nest, `*` at a node's start is an alias."""
        while (match := _FLOW_SIGNIFICANT.search(line, at)) is not None:
            position = match.start()
            if self.expect_node and line[at:position].strip(" \t"):
                self.expect_node = False  # a plain scalar started before this character
            char = line[position]
            at = position + 1
            if char in "[{":
                self.flow += 1
                self._deeper(position)
                self.expect_node = True
            elif char in "]}":
                self.flow = max(self.flow - 1, 0)
                self.expect_node = False
                if not self.flow:
                    return  # back in block context: the rest is a comment at most
            elif char == ",":
                self.expect_node = True
            elif char in ":?":
                if line[at : at + 1] in ("", " ", "\t") or self.expect_node:
                    self.expect_node = True
            elif char in "'\"" and self.expect_node:
                at = self._quoted(line, at, char)
                self.expect_node = False
                if self.quote:
                    return
            elif char == "#":
                if position == 0 or line[position - 1] in " \t":
                    return
            elif char == "*" and self.expect_node:
                self._alias(position)
                self.expect_node = False
        if line[at:].strip(" \t"):
            self.expect_node = False


def scan_shape(text: str, max_depth: int, max_aliases: int) -> Shape:
    """The nesting depth and alias count of `text`; ShapeError at the first one over a limit.

    Depth counts every list and mapping, the document's own included, as the parsed document
    would (a top-level mapping holding a list is 2).
    """
    scanner = _Scanner(max_depth, max_aliases)
    for line in _LINE_BREAK.split(text):
        scanner.line(line)
    return Shape(scanner.depth, scanner.aliases)
