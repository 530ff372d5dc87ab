"""A password rule Django's validators leave out.

UserAttributeSimilarityValidator skips a password much longer than the username, so
`bob-password` passes for bob; a guesser tries exactly that first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_NAME = 3  # a shorter username would refuse too many good passwords


class ContainsUsernameValidator:
    """Refuse a password that contains the username (ignoring case)."""

    def validate(self, password: str, user: Any = None) -> None:
        name = (getattr(user, "username", "") or "").casefold()
        if len(name) >= MIN_NAME and name in password.casefold():
            raise ValidationError(
                _("The password must not contain the username."),
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain your username.")
