"""A site file's problems in the page's language. The engine (and the CLI) write each
problem in English with the field's path; a person on the import page reads it in Japanese
with the same path. Each engine wording has one pattern here; an unknown one is shown as
the engine wrote it rather than hidden."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from madoguchi.engine.sitefile import Problem

# A quoted value as engine.limits.quote writes it: 'x', or 'x'… (1,234 characters).
Q = r"(?P<value>'.*'|\".*\"|\S+)"
HINT = r"(?:; did you mean (?P<guess>'.*?'|\".*?\")\?)?"

# (the engine's wording, the words for people); named groups fill the %(…)s.
PATTERNS: list[tuple[str, str | Promise]] = [
    (r"is required", _("This is required.")),
    (
        rf"{Q} is not one of: (?P<allowed>.*?){HINT}",
        _("%(value)s is not a value this field takes (it takes: %(allowed)s)."),
    ),
    (
        rf"{Q} is not a valid date \(YYYY-MM-DD\).*",
        _("%(value)s is not a date: write it as 2026-01-31."),
    ),
    (
        rf"{Q} is not a valid datetime .*",
        _("%(value)s is not a time: write it as 2026-01-31T09:05+09:00."),
    ),
    (
        rf"{Q} is not a slug .*",
        _("%(value)s: use lowercase letters a-z, digits and hyphens only."),
    ),
    (rf"{Q} is not a month \(YYYY-MM\)", _("%(value)s is not a month: write it as 2026-01.")),
    (rf"is not a known field{HINT}", _("This field is not part of a site file.")),
    (rf"unknown field {Q} is ignored", _("%(value)s is not part of a site file and was ignored.")),
    (rf"{Q} is not a prefecture{HINT}", _("%(value)s is not a prefecture.")),
    (
        r"(?P<value>\S+) does not match (?P<pref>.+), which is in NTT \S+",
        _("%(value)s does not match %(pref)s."),
    ),
    (rf"{Q} is defined twice", _("%(value)s is defined twice.")),
    (
        rf"unknown party {Q}: add it under parties: or use a catalog slug{HINT}",
        _("Unknown company %(value)s: add it under parties: or use a company the catalog knows."),
    ),
    (r"is only for contracts with service: option", _("Only for contracts with service “option”.")),
    (rf"unknown option {Q}{HINT}", _("Unknown option %(value)s.")),
    (
        r"only an access contract can include the ISP",
        _("Only an access contract can include the ISP."),
    ),
    (
        r"(?P<value>\S+) is before start (?P<start>\S+)",
        _("The end %(value)s is before the start %(start)s."),
    ),
    (rf"{Q} is already used by (?P<other>\S+)", _("%(value)s is already used by %(other)s.")),
    (rf"no contract has ref {Q}{HINT}", _("No contract has the ref %(value)s.")),
    (
        rf"contract {Q} is held by (?P<holder>\S+), not (?P<party>\S+)",
        _("Contract %(value)s is held by %(holder)s, not by %(party)s."),
    ),
    (r"not UTF-8 text", _("The file is not UTF-8 text.")),
    (r"YAML syntax: (?P<detail>.*)", _("The file is not valid YAML: %(detail)s")),
    (r"the file is empty.*", _("The file is empty: a site file needs at least site:.")),
    (
        r"the top level must be a mapping.*",
        _("The file must start with keys such as site: and contracts:."),
    ),
    (
        r"the file is (?P<size>[\d,]+) bytes; at most (?P<limit>[\d,]+) bytes are accepted",
        _("The file is %(size)s bytes; at most %(limit)s bytes are accepted."),
    ),
    (
        r"(?P<count>[\d,]+) entries; at most (?P<limit>[\d,]+) are accepted",
        _("%(count)s entries; at most %(limit)s are accepted."),
    ),
    (
        r"String should have at most (?P<limit>\d+) characters? \(got .*\)",
        _("At most %(limit)s characters."),
    ),
    (
        r"must be between (?P<earliest>[\d-]+) and (?P<latest>[\d-]+)",
        _("Write a date between %(earliest)s and %(latest)s."),
    ),
    (
        r"must be between (?P<low>-?[\d,]+) and (?P<high>[\d,]+) yen",
        _("Write an amount between %(low)s and %(high)s yen."),
    ),
    (r"… and (?P<more>.+); fix these first", _("… and more problems; fix these first.")),
]
COMPILED = [(re.compile(pattern, re.DOTALL), words) for pattern, words in PATTERNS]


def message_text(message: str) -> str:
    """One problem's message in the page's language (the engine's words if unknown)."""
    for pattern, words in COMPILED:
        if match := pattern.fullmatch(message):
            values = {k: v for k, v in match.groupdict().items() if v is not None}
            text = str(words) % values
            if guess := values.get("guess"):
                text += " " + gettext("Did you mean %(guess)s?") % {"guess": guess}
            return text
    return message


def problem_text(problem: Problem) -> str:
    """A problem as shown to a person: the field's path as written, then what is wrong."""
    text = message_text(problem.message)
    return f"{problem.path}: {text}" if problem.path else text
