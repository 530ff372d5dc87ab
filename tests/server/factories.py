"""factory_boy factories for server tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from madoguchi.cases.models import Case, Promise
from madoguchi.orgs.models import Membership, Organization, Role
from madoguchi.sites.models import BillLine, Contract, Event, Site


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
