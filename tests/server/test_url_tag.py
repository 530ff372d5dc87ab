"""`{% url %}` is the server's builtin (each address reversed once per process), and writes
what Django's own tag writes."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, engines
from django.test import RequestFactory
from django.urls import NoReverseMatch, set_script_prefix

from madoguchi.server.templatetags import urls


def _both(text: str, context: dict[str, object] | None = None) -> tuple[str, str]:
    """The text rendered by the project's engine and by a plain Django engine."""
    ours = engines["django"].from_string(text).render(context or {})
    django = Template(text, engine=Engine()).render(Context(context or {}))
    return ours, django


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("{% url 'cases:dashboard' %}", {}),
        ("{% url 'cases:detail' 12 %}", {}),
        ("{% url 'cases:detail' pk %}", {"pk": 345}),
        ("{% url 'cases:detail' pk %}", {"pk": "678"}),
        ("{% url 'cases:detail' pk=pk %}", {"pk": 9}),
        ("{% url name pk %}", {"name": "cases:detail", "pk": 10}),
        ("{% url 'cases:detail' pk as there %}[{{ there }}]", {"pk": 11}),
        ("{% url 'no-such-page' as there %}[{{ there }}]", {}),
    ],
)
def test_the_tag_writes_what_djangos_writes(text: str, context: dict[str, object]) -> None:
    ours, django = _both(text, context)
    assert ours == django


def test_the_project_s_templates_use_the_server_s_tag() -> None:
    template = engines["django"].from_string("{% url 'cases:dashboard' %}")
    assert isinstance(template.template.nodelist[0], urls.URLNode)


def test_an_address_is_reversed_once_for_the_same_key() -> None:
    urls._reversed.cache_clear()
    template = engines["django"].from_string("{% url 'cases:detail' pk %}")
    for _ in range(3):
        template.render({"pk": 42})
    assert urls._reversed.cache_info().hits == 2
    assert urls._reversed.cache_info().misses == 1


def test_an_object_argument_is_reversed_every_time_by_its_text() -> None:
    class Named:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    urls._reversed.cache_clear()
    template = engines["django"].from_string("{% url 'cases:detail' thing %}")
    first = Named("5")
    assert template.render({"thing": first}) == "/cases/5/"
    first.text = "6"  # the same object, another text: another address
    assert template.render({"thing": first}) == "/cases/6/"
    assert urls._reversed.cache_info().currsize == 0


def test_another_script_prefix_is_another_address() -> None:
    template = engines["django"].from_string("{% url 'cases:dashboard' %}")
    try:
        set_script_prefix("/madoguchi/")
        behind_a_prefix = template.render({})
    finally:
        set_script_prefix("/")
    assert behind_a_prefix == "/madoguchi/cases/"
    assert template.render({}) == "/cases/"


def test_an_unknown_name_still_raises() -> None:
    template = engines["django"].from_string("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        template.render({})


def test_the_request_s_application_namespace_is_part_of_the_key() -> None:
    request = RequestFactory().get("/")
    request.current_app = "cases"
    template = engines["django"].from_string("{% url 'cases:dashboard' %}")
    assert template.render({}, request) == "/cases/"
