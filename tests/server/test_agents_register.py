"""The agents register: keys that make differently written details equal, and the lookup of
agents on record that resemble a new one."""

from __future__ import annotations

import pytest

from madoguchi.agents.keys import detail_key
from madoguchi.agents.selectors import resemblances
from madoguchi.agents.services import add_details, create_agent
from tests.server.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "one", "other"),
    [
        ("former-name", "株式会社ABCテレコム", "ＡＢＣテレコム(株)"),
        ("phone", "03-1234-5678", "０３（１２３４）５６７８"),
        ("fax", "+81 3 1234 5678", "0312345678"),
        ("domain", "https://www.example.co.jp/contact", "info@example.co.jp"),
    ],
)
def test_differently_written_details_share_a_key(kind: str, one: str, other: str) -> None:
    assert detail_key(kind, one) == detail_key(kind, other)


def test_different_numbers_do_not_share_a_key() -> None:
    assert detail_key("phone", "03-1234-5678") != detail_key("phone", "03-1234-5679")


def test_a_fax_number_given_again_as_a_phone_is_found() -> None:
    organization = OrganizationFactory()
    refused = create_agent(organization, name="旧社名", details=[("fax", "03-1234-5678")])

    found = resemblances(organization, [("phone", "03(1234)5678")], name="新社名")

    assert [(r.agent, r.group) for r in found] == [(refused, "number")]


def test_a_name_matches_whatever_its_legal_form() -> None:
    organization = OrganizationFactory()
    agent = create_agent(organization, name="株式会社ABCテレコム")

    assert [r.agent for r in resemblances(organization, [], name="ＡＢＣテレコム㈱")] == [agent]


def test_another_organizations_agents_are_not_found() -> None:
    create_agent(OrganizationFactory(), name="ABC", details=[("phone", "03-1234-5678")])

    assert resemblances(OrganizationFactory(), [("phone", "03-1234-5678")], name="ABC") == []


def test_a_detail_already_on_record_is_not_added_twice() -> None:
    agent = create_agent(OrganizationFactory(), name="ABC", details=[("phone", "03-1234-5678")])

    assert add_details(agent, [("fax", "0312345678"), ("phone", "")]) == []
