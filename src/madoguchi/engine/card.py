"""The emergency contact card kept beside the ONU: for each symptom people have, who to call
(the same routes the assessment gives for that symptom), their hours in words, the IDs to
read out, what the ONU lamps mean, and the public desks of the escalation ladder.

The card is worked out for each symptom as if it were the only one, with no lamps observed
and nobody having said "no contract" yet: it is printed before the day it is needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import msgspec
from msgspec import field

from madoguchi.engine.assess import resolve_now
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.context import Context
from madoguchi.engine.dialling import dialling
from madoguchi.engine.escalation import HOTLINE, PUBLIC_PURPOSES, SOUMU
from madoguchi.engine.hours import hours_words
from madoguchi.engine.model import Observations, SiteFile, Symptom
from madoguchi.engine.records import Record
from madoguchi.engine.routes import caller_for, contact, routes

# The symptoms as people name them, each with the site-file symptoms it stands for.
CARD_SYMPTOMS: tuple[tuple[str, tuple[Symptom, ...]], ...] = (
    ("card.internet", (Symptom.INTERNET_DOWN,)),
    ("card.phone", (Symptom.PHONE_DOWN, Symptom.FAX_DOWN)),
    ("card.tv", (Symptom.TV_DOWN,)),
    ("card.mail", (Symptom.MAIL_ERROR,)),
)
LAMPS = ("power", "optical", "auth", "uni")


class CardCall(Record, frozen=True):
    """One desk to call: the company, its desk, the number, the hours in words (None when
    unknown) and the IDs to read out (name → value, as the contract gives them)."""

    service: str
    party_name: str
    desk_name: str | None
    phone: str | None
    hours: str | None
    verified: bool
    ids: dict[str, str] = field(default_factory=dict)
    # The number printed large (one that works from the phone the section's trouble leaves:
    # a mobile when the phone is down), and every number with where it works from, so a
    # short code is never printed alone (engine/dialling.py).
    dial: str | None = None
    numbers: list[dict[str, Any]] = field(default_factory=list)


class CardLine(Record, frozen=True):
    """One symptom's section of the card, with its calls in the order to make them."""

    symptom: str  # a card.* message key: インターネット, 電話・FAX, テレビ, メール
    calls: list[CardCall]


class Card(Record, frozen=True):
    """The card of one site: a section per symptom and the public desks, in `lang`."""

    site: str
    lines: list[CardLine]
    public: list[CardCall]
    lang: str = "ja"

    @property
    def unverified(self) -> bool:
        every = [call for line in self.lines for call in line.calls] + self.public
        return any(not call.verified or call.hours is None for call in every)

    def fingerprint(self) -> str:
        """A digest of every fact on the card: it changes when a contract, a holder, a desk,
        a number, hours or an ID changes, and only then (not with the clock)."""
        text = json.dumps(msgspec.to_builtins(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def emergency_card(
    site: SiteFile,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    catalog: Catalog | None = None,
) -> Card:
    catalog = catalog or load_catalog()
    at = resolve_now(site, now)
    lines = []
    for key, symptoms in CARD_SYMPTOMS:
        alone = site.model_copy(update={"symptoms": list(symptoms), "observations": Observations()})
        ctx = Context(site=alone, catalog=catalog, now=at, lang=lang)
        calls: list[CardCall] = []
        seen: set[tuple[str | None, str | None]] = set()
        for route in routes(ctx):
            if route.party is None or (route.party, route.desk) in seen:
                continue
            seen.add((route.party, route.desk))
            calls.append(
                CardCall(
                    service=route.service,
                    party_name=route.party_name or route.party,
                    desk_name=route.desk_name,
                    phone=route.phone,
                    hours=hours_words(route.hours, lang),
                    verified=route.verified,
                    ids=dict(route.have_ready),
                    dial=route.dial,
                    numbers=route.numbers,
                )
            )
        lines.append(CardLine(symptom=key, calls=calls))
    ctx = Context(site=site, catalog=catalog, now=at, lang=lang)
    # The public desks are called when the trouble goes on: from a mobile, to be sure.
    caller = caller_for(ctx)
    public = []
    for slug in (SOUMU, HOTLINE):
        if slug not in ctx.parties:
            continue
        desk = contact(ctx, slug, PUBLIC_PURPOSES).desk
        dial = dialling(lang, desk, caller, ctx.party_name(slug))
        public.append(
            CardCall(
                service="",
                party_name=ctx.party_name(slug),
                desk_name=ctx.desk_name(desk),
                phone=desk.phone if desk else None,
                hours=hours_words(desk.hours if desk else None, lang),
                verified=ctx.parties[slug].verified and (desk.verified if desk else False),
                dial=dial.dial,
                numbers=dial.numbers,
            )
        )
    return Card(site=site.site.name, lines=lines, public=public, lang=lang)
