"""`{% options choices chosen %}` writes the <option>s a template loop wrote, kept per list."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from madoguchi.server.templatetags.madoguchi import options


def test_the_chosen_value_is_selected_and_text_escaped() -> None:
    html = options([(1, "本社"), (2, 'A&B <"支店">')], 2)
    assert html == (
        '<option value="1">本社</option>'
        '<option value="2" selected>A&amp;B &lt;&quot;支店&quot;&gt;</option>'
    )


def test_the_same_list_with_another_choice_selects_that_one() -> None:
    choices = [("open", "対応中"), ("resolved", "解決")]
    assert 'value="open" selected' in options(choices, "open")
    assert 'value="resolved" selected' in options(choices, "resolved")
    assert "selected" not in options(choices, None)


def test_a_translated_label_is_written_in_the_pages_language() -> None:
    choices = [("open", gettext_lazy("open"))]
    with translation.override("en"):
        english = options(choices, None)
    with translation.override("ja"):
        japanese = options(choices, None)
    assert english == '<option value="open">open</option>'
    assert japanese != english
