"""How long each text a person or the API types may be, how large an amount, which dates:
one limit per field, defined here once.

Every door derives its checks from these names: the site file's records (engine/model.py),
the database columns (each model's `max_length`), the web forms (model forms read the
columns; the others name the limit from here) and the API bodies (derived from the columns
or naming the limit from here). So a value one door accepts, every door accepts, and the
database stores it whole. tests/walks/test_field_bounds.py walks every field of every door
and checks that they agree.

The numbers are far above anything a real site needs (a company's name, a note of what a
desk said in a long call) and small enough that a page, a letter or a PDF that shows the
text stays readable and quick to build.
"""

from __future__ import annotations

import datetime as dt

#: A slug (a party's, a desk's, an option's) and a ref (a contract's, a case's).
SLUG = 80
REF = 80
#: The name of a place, a company, a customer, a desk, a case's title, a product or course.
NAME = 200
#: A person's name as given, a desk's reference number, a label given to a token or a link.
PERSON = 100
REFERENCE = 100
LABEL = 100
#: A contract's ID: what it is called (お客さまID, ひかり電話番号…) and the ID itself.
ID_LABEL = 80
ID_VALUE = 200
#: How many IDs one contract carries.
IDS = 50
#: What was promised (a callback, a refund…), in a few words.
PROMISE = 200
#: A bill line's item, a receivable's "what for", a deduction's reason.
ITEM = 200
DESCRIPTION = 300
#: A postal address (a prefecture is read from it), a city and a prefecture by name.
ADDRESS = 300
CITY = 100
PREFECTURE = 20
#: A phone or FAX number as written (with hyphens, an extension).
PHONE = 40
#: A link (a desk's page, a source) and opening hours (OpenStreetMap opening_hours).
URL = 500
HOURS = 300
#: Free text: a note, what a desk said, a job, a reason. About five A4 pages of Japanese.
NOTE = 10_000

#: What one printed page (a report or a letter, as PDF or pasted text) shows of a case: the
#: first PRINT_ROWS rows of each section, with how many more there are ("…他 N 件"), and the
#: first PRINT_TEXT characters of each text. A case at every limit above prints in seconds.
PRINT_ROWS = 20
PRINT_TEXT = 500

#: An amount in yen: a monthly fee, a cancellation fee, a refund, a bill line. 100 million
#: yen is far above any line or contract a desk handles; a bill line may be negative (a
#: discount), every other amount is at least 0.
YEN_MAX = 100_000_000

#: The dates any door accepts: fiber internet in Japan begins in the 1990s, and a date
#: after 2100 is a typing slip (year 20026), not a contract's end.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


def date_problem(value: dt.date) -> str | None:
    """Why `value` is no date any door accepts (English; the web words its own), or None."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if EARLIEST <= day <= LATEST:
        return None
    return f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}"


def yen_problem(value: int, *, negative: bool = False) -> str | None:
    """Why `value` is no amount any door accepts, or None."""
    low = -YEN_MAX if negative else 0
    if low <= value <= YEN_MAX:
        return None
    return f"must be between {low:,} and {YEN_MAX:,} yen"
