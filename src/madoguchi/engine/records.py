"""The base of the engine's records: a frozen `msgspec.Struct`.

Why msgspec's structs and not dataclasses: `madoguchi assess` creates the engine's 26 record
classes each time it starts, and `dataclass()` writes each class's methods as source and
compiles them as the class is created (0.5–1.8 ms a class here, 21 ms in all), where a
struct class is made in C in about 15 µs. msgspec's own import takes back about half of
that (it loads typing_extensions, and with it inspect), so a run of the CLI is about 6 ms
shorter (85–97 → 77–88 ms). An assessment builds about seventy records (findings, routes,
rungs, deadlines, the desks' statuses), and a struct is built in a fifth of a frozen
dataclass's time: the engine alone went from 2,540–2,710 to 2,870–2,930 assessments a second
(issue 26, bench/README.md).

What a record is, as before: its fields in order with their defaults, built positionally or
by keyword, compared and hashed by value, printed with its fields, pickled, and frozen
(assigning a field raises AttributeError). `msgspec.structs.replace` makes a changed copy.
"""

from __future__ import annotations

import msgspec


class Record(msgspec.Struct, frozen=True):
    """A frozen record of the engine; subclasses declare their fields as annotations, and
    say `frozen=True` again (a struct inherits it, but a type checker reads it per class).

    A mutable default needs `msgspec.field(default_factory=...)`, as with dataclasses. Not
    for a record that derives state after it is built (`__post_init__`): pickling, copying
    and `replace` build the record again from its fields, so derive such state lazily
    (`functools.cached_property` on a struct declared with `dict=True`)."""
