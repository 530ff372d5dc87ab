"""Matching keys for agent details: two values that people would call "the same" get the
same key. Pure functions, no ORM."""

from __future__ import annotations

import re
import unicodedata

# Kinds compared with each other: a number once given as FAX may come back as the phone.
MATCH_GROUPS = {
    "former-name": "name",
    "address": "address",
    "phone": "number",
    "fax": "number",
    "domain": "domain",
    "person": "person",
}

_COMPANY_FORMS = re.compile(r"(株式会社|有限会社|合同会社|\(株\)|\(有\)|\(同\)|㈱|㈲)")
_SPACE = re.compile(r"\s+")


def match_group(kind: str) -> str:
    return MATCH_GROUPS[kind]


def name_key(value: str) -> str:
    """A company name without its legal form, width or spaces (株式会社ABC == ＡＢＣ(株))."""
    text = unicodedata.normalize("NFKC", value)
    text = _COMPANY_FORMS.sub("", text)
    return _SPACE.sub("", text).casefold()


def number_key(value: str) -> str:
    """Digits only, with +81 written as the domestic 0."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if digits.startswith("81") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def domain_key(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    text = re.sub(r"^[a-z]+://", "", text)
    text = text.split("/")[0].split("@")[-1]
    return text.removeprefix("www.")


def address_key(value: str) -> str:
    """Width and spaces only; `agents` replaces this with full address normalization."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value))


def detail_key(kind: str, value: str) -> str:
    group = match_group(kind)
    if group == "name":
        return name_key(value)
    if group == "number":
        return number_key(value)
    if group == "domain":
        return domain_key(value)
    if group == "address":
        return address_key(value)
    return _SPACE.sub("", unicodedata.normalize("NFKC", value))
