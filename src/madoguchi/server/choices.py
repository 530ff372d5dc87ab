"""Model choices from the engine's enums, so a form or the admin can hold only values the
engine understands."""

from __future__ import annotations

from enum import StrEnum


def enum_choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]
