"""factory_boy factories for the tests of every Django app."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import BillLine, Contract, Event, Site
from madoguchi.orgs.models import Membership, Organization, Role


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"組織{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"サイト{n}")
    prefecture = "東京都"
    building = "detached"
    symptoms = factory.LazyFunction(lambda: ["internet-down"])


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    ref = factory.Sequence(lambda n: f"c{n}")
    service = "access"
    party = "docomo-hikari"
    includes_isp = True
    start = dt.date(2020, 4, 1)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    date = dt.date(2026, 1, 10)
    kind = "other"


class BillLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BillLine

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    party = "docomo-hikari"
    month = "2026-01"
    yen = 5720


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    ref = factory.Sequence(lambda n: f"case{n}")


class PromiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promise

    case = factory.SubFactory(CaseFactory)
    organization = factory.SelfAttribute("case.organization")
    by = "docomo-hikari"
    what = "callback"
    due = dt.datetime(2026, 1, 31, 15, 0, tzinfo=dt.UTC)


def subcontract_values(**changes: object) -> dict[str, object]:
    """A complete subcontract request whose checks find nothing (a house sold a house course,
    a line and a separate provider with their IDs), as the request form's `values()` gives."""
    values: dict[str, object] = {
        "job": "開通後のルーター設定",
        "customer_name": "山田 花子",
        "customer_address": "東京都新宿区西新宿2-8-1",
        "customer_phone": "090-1111-2222",
        "line_product": "フレッツ光ネクスト ギガファミリー",
        "course": "detached",
        "building": "detached",
        "holders": {"access": "ntt-east", "isp": "so-net", "phone": "", "tv": ""},
        "includes_isp": False,
        "ids": {"customer_id": "CAF1234567890", "isp_user_id": "abc12345"},
        "promised": "工事費無料、初月無料",
        "agent_name": "株式会社テスト通信",
        "agent_address": "東京都千代田区丸の内1-1-1 テストビル3F",
        "agent_phone": "03-1234-5678",
        "agent_fax": "",
        "agent_email": "",
        "caller_name": "佐藤 一郎",
        "payer": "株式会社テスト通信",
        "amount_yen": 11000,
        "pay_by": dt.date(2026, 12, 31),
        "note": "",
    }
    values.update(changes)
    return values


def subcontract_post(**changes: object) -> dict[str, str]:
    """The same request as the form posts it."""
    values = subcontract_values(**changes)
    holders = values.pop("holders")
    ids = values.pop("ids")
    post = {k: ("on" if v is True else "" if v is False else str(v)) for k, v in values.items()}
    post.update({k: str(v) for k, v in holders.items()})  # type: ignore[attr-defined]
    for i, (kind, value) in enumerate(ids.items()):  # type: ignore[attr-defined]
        post[f"id_kind_{i}"] = kind
        post[f"id_value_{i}"] = value
    return post
