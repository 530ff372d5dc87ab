"""The agents register: keys that make differently written details equal, and the lookup of
agents on record that resemble a new one."""

from __future__ import annotations

import pytest

from madoguchi.agents.keys import building_key, detail_key
from madoguchi.agents.selectors import resemblances
from madoguchi.agents.services import add_details, create_agent
from tests.factories import OrganizationFactory

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


# --- addresses, written the ways people write them -------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("西新宿2-8-1", "西新宿二丁目8番1号"),
        ("新宿区西新宿2丁目8番地1", "新宿区西新宿二丁目八番一号"),
        ("新宿区西新宿２－８－１", "新宿区西新宿2-8-1"),
        ("新宿区西新宿2ー8ー1", "新宿区西新宿2‐8‐1"),
        ("〒160-0023 東京都新宿区西新宿2-8-1", "新宿区西新宿2-8-1"),
        ("〒１６０－００２３　新宿区西新宿2-8-1", "東京都新宿区西新宿二丁目8番1号"),
        ("東京都新宿区西新宿2-8-1", "新宿区西新宿2-8-1"),
        ("新宿区西新宿2-8-1 新宿ビル3F", "新宿区西新宿二丁目8番1号 新宿ﾋﾞﾙ3階"),
        ("新宿区西新宿2-8-1 新宿ビル301号室", "新宿区西新宿2-8-1新宿ビル301"),
        ("新宿区西新宿2-8-1 新宿ビル3F", "新宿区西新宿2-8-1 別館5階"),
        ("大阪市北区梅田3丁目1番地の3", "大阪府大阪市北区梅田3-1-3"),
        ("千代田区霞が関1-2-3", "千代田区霞ヶ関一丁目2番3号"),
        ("札幌市中央区北一条西二丁目3番4号", "北海道札幌市中央区北1条西2丁目3-4"),
        ("北海道虻田郡倶知安町南1条東2丁目1", "倶知安町南1条東2-1"),
        ("千代田区一番町5-3", "千代田区一番町五番三号"),
        ("串本町串本1234", "和歌山県串本町串本1234番地"),
    ],
)
def test_two_writings_of_one_place_share_an_address_key(one: str, other: str) -> None:
    assert detail_key("address", one) == detail_key("address", other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("新宿区西新宿2-8-1", "新宿区西新宿2-8-2"),  # another 号
        ("新宿区西新宿2-8-1", "新宿区西新宿2-9-1"),  # another 番地
        ("新宿区西新宿2-8-1", "新宿区西新宿3-8-1"),  # another 丁目
        ("新宿区西新宿2-8-1", "新宿区西新宿2-8-10"),
        ("新宿区西新宿1-2-3", "新宿区西新宿12-3"),
        ("新宿区西新宿2-8-1", "新宿区東新宿2-8-1"),  # another town
        ("新宿区西新宿2-8-1", "渋谷区西新宿2-8-1"),  # another ward
        ("札幌市中央区北1条西2丁目3", "札幌市中央区北1条東2丁目3"),
        ("中央区八丁堀1-2-3", "中央区八丁堀1-2-4"),
    ],
)
def test_different_places_do_not_share_an_address_key(one: str, other: str) -> None:
    assert detail_key("address", one) != detail_key("address", other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("西新宿2-8-1 新宿ビル3F", "西新宿2-8-1 新宿ﾋﾞﾙ　３階"),
        ("西新宿2-8-1 新宿ビル301号室", "西新宿二丁目8番1号新宿ビル301"),
    ],
)
def test_a_building_written_two_ways_has_one_building_key(one: str, other: str) -> None:
    assert building_key(one) == building_key(other)


def test_another_floor_is_another_building_key() -> None:
    assert building_key("西新宿2-8-1 新宿ビル3F") != building_key("西新宿2-8-1 新宿ビル5F")


def test_a_new_agent_at_a_refused_agents_address_written_differently_is_found() -> None:
    organization = OrganizationFactory()
    refused = create_agent(
        organization,
        name="光ネットサポート",
        details=[("address", "東京都豊島区東池袋3-1-1 サンシャイン60 12F")],
    )

    found = resemblances(
        organization, [("address", "豊島区東池袋三丁目1番1号 ｻﾝｼｬｲﾝ60 12階")], name="ひかりコネクト"
    )

    assert [(r.agent, r.group) for r in found] == [(refused, "address")]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("03-1234-5678", "(03)1234-5678"),
        ("03-1234-5678", "+81-3-1234-5678"),
        ("０３－１２３４－５６７８", "03 1234 5678"),
        ("TEL 0120-123-456", "0120123456"),
        ("090-1234-5678", "+81 90 1234 5678"),
    ],
)
def test_two_writings_of_one_number_share_a_key(one: str, other: str) -> None:
    assert detail_key("phone", one) == detail_key("fax", other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("03-1234-5678", "06-1234-5678"),  # another area
        ("0120-123-456", "0120-123-457"),
        ("090-1234-5678", "080-1234-5678"),
    ],
)
def test_different_numbers_never_share_a_key(one: str, other: str) -> None:
    assert detail_key("phone", one) != detail_key("phone", other)
