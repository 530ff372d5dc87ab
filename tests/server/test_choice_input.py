"""`{% choice_input option %}` writes the same <input> as Django's `{{ option.tag }}`, for
radio buttons and checkboxes, checked or not, with attributes and values to escape."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from madoguchi.contracts.models import Site
from madoguchi.server.templatetags.madoguchi import choice_input
from madoguchi.sites.forms import TroubleForm
from tests.conftest import World


class _Choices(forms.Form):
    lamp = forms.ChoiceField(
        choices=[("on", "点灯"), ("off", "消灯"), ('a"b<c', "変な値")],
        widget=forms.RadioSelect(attrs={"class": "lamp", "data-x": "1"}),
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "一"), ("2", "二")], widget=forms.CheckboxSelectMultiple, required=False
    )


def _options(form: forms.Form) -> list[Any]:
    return [option for field in form for option in field.subwidgets]


@pytest.mark.parametrize(
    "form",
    [
        _Choices(),
        _Choices(initial={"lamp": "off", "many": ["2"]}),
        _Choices(data={"lamp": 'a"b<c', "many": ["1", "2"]}),
        _Choices(data={}),  # refused: required, nothing checked
    ],
)
def test_each_option_is_written_as_django_writes_it(form: forms.Form) -> None:
    options = _options(form)
    assert options
    for option in options:
        assert choice_input(option) == option.tag()


def test_the_trouble_forms_options_are_written_as_django_writes_them(world: World) -> None:
    site: Site = world.site_a
    form = TroubleForm(
        initial={"symptoms": ["no-internet"], "power": "on", "said_no_contract": []}, site=site
    )
    options = _options(form)
    assert len(options) > 10
    assert [choice_input(o) for o in options] == [o.tag() for o in options]
