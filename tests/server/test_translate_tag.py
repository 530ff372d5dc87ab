"""`{% load translations %}` is Django's `i18n` with each constant `{% translate %}` kept per
language: it writes what Django's tag writes, in every form of the tag, in each language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Engine, Template, engines
from django.utils import translation

from madoguchi.server.templatetags import translations

SOURCE = Path(translations.__file__).parents[2]


def _both(body: str, context: dict[str, object] | None = None) -> tuple[str, str]:
    """`body` rendered with `translations` by the project's engine and with Django's `i18n`
    by a plain engine."""
    ours = engines["django"].from_string("{% load translations %}" + body).render(context or {})
    engine = Engine(libraries={"i18n": "django.templatetags.i18n"})
    django = Template("{% load i18n %}" + body, engine=engine).render(Context(context or {}))
    return ours, django


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    ("body", "context"),
    [
        ('{% translate "Desk" %}', {}),
        ("{% trans 'Overdue promises' %}", {}),
        ('{% translate "50% & <b>more</b>" %}', {}),
        ('{% autoescape off %}{% translate "a < b & 100%" %}{% endautoescape %}', {}),
        ('{% translate "Desk"|upper %}', {}),
        ('{% translate "Desk" noop %}', {}),
        ('{% translate "May" context "month name" %}', {}),
        ('{% translate "Desk" as title %}[{{ title }}]', {}),
        ("{% translate word %}", {"word": "Desk"}),
        ("{% translate word %}", {"word": "<i>Desk</i>"}),
        (
            "{% blocktranslate count n=n %}{{ n }} case"
            "{% plural %}{{ n }} cases{% endblocktranslate %}",
            {"n": 2},
        ),
        ("{% get_current_language as lang %}{{ lang }}", {}),
        ('{{ "ja"|language_name_local }}', {}),
    ],
)
def test_the_tag_writes_what_djangos_writes(
    language: str, body: str, context: dict[str, object]
) -> None:
    with translation.override(language):
        ours, django = _both(body, context)
    assert ours == django


def test_each_language_has_its_own_translation() -> None:
    template = engines["django"].from_string('{% load translations %}{% translate "Desk" %}')
    with translation.override("ja"):
        japanese = template.render({})
    with translation.override("en"):
        english = template.render({})
    assert (japanese, english) == ("窓口デスク", "Desk")


def test_a_constant_is_translated_once_per_language() -> None:
    translations._translated.cache_clear()
    template = engines["django"].from_string('{% load translations %}{% translate "Desk" %}')
    with translation.override("ja"):
        for _ in range(3):
            template.render({})
    assert translations._translated.cache_info().misses == 1
    assert translations._translated.cache_info().hits == 2


def test_every_project_template_loads_translations_not_i18n() -> None:
    loading_i18n = [
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("templates/**/*")
        if path.is_file() and "{% load i18n" in path.read_text(encoding="utf-8")
    ]
    assert loading_i18n == []
