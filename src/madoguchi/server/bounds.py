"""The limits of engine/bounds.py as Django validators and form checks, in the person's
language: the database columns and the web forms name a limit from there and check it here.

A text over its limit comes back in the form as typed, with an error that names the field, the
limit and how long the text is now ("言われたこと は 10,000 文字以内で入力してください（今
50,000 文字）"): a long note is never lost behind an error page. A textarea carries no
`maxlength`, because a browser cuts a pasted text at that length without a word; `data-max`
lets lengths.js say so before the form is sent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from madoguchi.engine import bounds


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


@deconstructible
class DateBoundsValidator:
    """A date (or a time's day) between bounds.EARLIEST and bounds.LATEST."""

    code = "date_bounds"

    def __call__(self, value: dt.date | None) -> None:
        if value is not None and bounds.date_problem(value):
            raise ValidationError(date_message(), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateBoundsValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_date = DateBoundsValidator()


def date_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": _day(bounds.EARLIEST),
        "latest": _day(bounds.LATEST),
    }


@deconstructible
class YenAtLeast(MinValueValidator):
    """An amount of at least `limit_value` yen, said with the amount written 100,000,000."""

    @property
    def message(self) -> str:  # type: ignore[override]
        words = _("Enter an amount of at least %(limit)s yen.")
        return words % {"limit": f"{self.limit_value:,}"}


@deconstructible
class YenAtMost(MaxValueValidator):
    """An amount of at most `limit_value` yen."""

    @property
    def message(self) -> str:  # type: ignore[override]
        words = _("Enter an amount of at most %(limit)s yen.")
        return words % {"limit": f"{self.limit_value:,}"}


def yen_validators(*, negative: bool = False) -> list[Any]:
    """An amount from 0 (or -YEN_MAX for a bill line) to YEN_MAX yen."""
    return [YenAtLeast(-bounds.YEN_MAX if negative else 0), YenAtMost(bounds.YEN_MAX)]


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Django's max_length check, with the counts written 10,000 (not 10000)."""

    def __call__(self, value: Any) -> None:
        count = self.clean(value)
        if self.compare(count, self.limit_value):
            params = {
                "limit_value": self.limit_value,
                "show_value": count,
                "value": value,
                "limit": f"{self.limit_value:,}",
                "count": f"{count:,}",
            }
            raise ValidationError(self.message, code=self.code, params=params)


def length_message(label: Any, limit: int) -> str:
    """'<label> は 10,000 文字以内で入力してください（今 %(count)s 文字）', the count left
    for the validator to fill in."""
    text = _("%(field)s: at most %(limit)s characters (now %(count)s).")
    named = text.replace("%(count)s", "\0")
    return (
        (named % {"field": str(label), "limit": f"{limit:,}"})
        .replace("%", "%%")
        .replace("\0", "%(count)s")
    )


class BoundedForm(forms.BaseForm):
    """Every text field of the form names its field and limit when it is too long, and the
    form comes back with the text as typed; a date field takes 1990–2100 only."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_fields(self)


def bound_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        if isinstance(field, forms.IntegerField) and name.endswith("yen"):
            bound_yen(field)
        elif isinstance(field, forms.CharField) and field.max_length is not None:
            limit = field.max_length
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.validators.append(TextLengthValidator(limit))
            label = field.label or ""
            field.error_messages["max_length"] = length_message(label, limit)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.pop("maxlength", None)
                field.widget.attrs["data-max"] = str(limit)
                message = field.error_messages["max_length"] % {"count": "{count}"}
                field.widget.attrs["data-max-message"] = message
        elif (
            isinstance(field, forms.DateField | forms.DateTimeField)
            and validate_date not in field.validators
        ):
            field.validators.append(validate_date)


def bound_yen(field: forms.IntegerField) -> None:
    """An amount field: at most YEN_MAX, at least its own least (0, 1, or -YEN_MAX for a bill
    line), each said with the amount written out."""
    ranges = (MinValueValidator, MaxValueValidator)
    lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    low = max([-bounds.YEN_MAX, *lows]) if lows else -bounds.YEN_MAX
    field.validators = [v for v in field.validators if not isinstance(v, ranges)]
    field.validators += [YenAtLeast(low), YenAtMost(bounds.YEN_MAX)]
    field.max_value = bounds.YEN_MAX
    field.widget.attrs["max"] = str(bounds.YEN_MAX)
