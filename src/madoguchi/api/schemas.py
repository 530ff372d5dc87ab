"""Request and response bodies. Enums come from the engine, so the OpenAPI schema lists
exactly the values a site file accepts."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from madoguchi.engine.model import Building, Lamp, Region, Symptom


class Problem(Schema):
    path: str
    message: str


class Errors(Schema):
    detail: str
    errors: list[Problem]


class SiteIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    organization: str | None = Field(
        None, description="organization slug; needed if you belong to several"
    )
    prefecture: str = ""
    region: Region | None = None
    building: Building | None = None
    symptoms: list[Symptom] = []
    onu: dict[str, Lamp] = {}
    said_no_contract: list[str] = []


class SitePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    prefecture: str | None = None
    region: Region | None = None
    building: Building | None = None
    symptoms: list[Symptom] | None = None
    onu: dict[str, Lamp] | None = None
    said_no_contract: list[str] | None = None


class SiteOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    name: str
    prefecture: str
    region: str
    building: str
    symptoms: list[str]
    onu: dict[str, str]
    said_no_contract: list[str]
    assess_at: dt.datetime | None
    updated: dt.datetime


class ContractOut(Schema):
    id: int
    site: int = Field(alias="site_id")
    ref: str
    service: str
    party: str
    product: str
    option: str
    course: str
    includes_isp: bool
    ids: dict[str, str]
    start: dt.date | None
    end: dt.date | None
    acquired: str
    document_received: dt.date | None
    monthly_yen: int | None
    payment: str
    wanted: bool
    note: str


class EventOut(Schema):
    id: int
    site: int = Field(alias="site_id")
    date: dt.date
    kind: str
    contract: str
    effective: dt.date | None
    party: str
    note: str


class DeskOut(Schema):
    id: int
    slug: str
    name: str
    name_en: str
    purposes: list[str]
    phone: str
    hours: str
    url: str
    note: str
    verified: bool


class PartyOut(Schema):
    id: int
    organization: str | None = Field(None, alias="organization.slug")
    slug: str
    name: str
    name_en: str
    kind: str
    status: str
    region: str
    url: str
    note: str
    source: str
    checked: dt.date | None
    verified: bool
    desks: list[DeskOut]


class ImportOut(Schema):
    id: int
    name: str
    warnings: list[Problem]


class ContractIn(Schema):
    ref: str
    service: str
    party: str
    product: str = ""
    option: str = ""
    course: str = ""
    includes_isp: bool = False
    ids: dict[str, str] = {}
    start: dt.date | None = None
    end: dt.date | None = None
    acquired: str = ""
    document_received: dt.date | None = None
    monthly_yen: int | None = None
    payment: str = ""
    wanted: bool = True
    note: str = ""


class ContractPatch(Schema):
    ref: str | None = None
    service: str | None = None
    party: str | None = None
    product: str | None = None
    option: str | None = None
    course: str | None = None
    includes_isp: bool | None = None
    ids: dict[str, str] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    acquired: str | None = None
    document_received: dt.date | None = None
    monthly_yen: int | None = None
    payment: str | None = None
    wanted: bool | None = None
    note: str | None = None


class EventIn(Schema):
    date: dt.date
    kind: str
    contract: str = ""
    effective: dt.date | None = None
    party: str = ""
    note: str = ""


class EventPatch(Schema):
    date: dt.date | None = None
    kind: str | None = None
    contract: str | None = None
    effective: dt.date | None = None
    party: str | None = None
    note: str | None = None


class PartyIn(Schema):
    slug: str
    name: str
    kind: str
    organization: str | None = Field(
        None, description="organization slug; needed if you belong to several"
    )
    name_en: str = ""
    status: str = "active"
    region: str = ""
    url: str = ""
    note: str = ""
    source: str = ""
    checked: dt.date | None = None
    verified: bool = True


class PartyPatch(Schema):
    slug: str | None = None
    name: str | None = None
    kind: str | None = None
    name_en: str | None = None
    status: str | None = None
    region: str | None = None
    url: str | None = None
    note: str | None = None
    source: str | None = None
    checked: dt.date | None = None
    verified: bool | None = None


class DeskIn(Schema):
    slug: str
    purposes: list[str] = []
    name: str = ""
    name_en: str = ""
    phone: str = ""
    hours: str = ""
    url: str = ""
    note: str = ""
    source: str = ""
    checked: dt.date | None = None
    verified: bool = True
    position: int = 0


class DeskPatch(Schema):
    slug: str | None = None
    purposes: list[str] | None = None
    name: str | None = None
    name_en: str | None = None
    phone: str | None = None
    hours: str | None = None
    url: str | None = None
    note: str | None = None
    source: str | None = None
    checked: dt.date | None = None
    verified: bool | None = None
    position: int | None = None


class SiteImportIn(Schema):
    content: str = Field(description="the site file (YAML text)")
    organization: str | None = None
