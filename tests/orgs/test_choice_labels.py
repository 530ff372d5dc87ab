"""`get_<field>_display()` on customer rows (OrgOwned): labels looked up once per field, yet
said in the language active when shown."""

from __future__ import annotations

from django.utils import translation

from madoguchi.cases.models import Case, EntryKind, Status, TimelineEntry
from madoguchi.orgs import models as orgs_models


def test_a_label_follows_the_language_active_when_it_is_shown() -> None:
    entry = TimelineEntry(kind=EntryKind.CALL_OUT)
    with translation.override("en"):
        assert entry.get_kind_display() == "call (we called)"
    with translation.override("ja"):
        assert entry.get_kind_display() == "電話 (こちらから)"
    with translation.override("en"):
        assert entry.get_kind_display() == "call (we called)"


def test_a_context_label_keeps_its_own_translation() -> None:
    with translation.override("ja"):
        assert Case(status=Status.CLOSED).get_status_display() == "完了"


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    assert TimelineEntry(kind="telegram").get_kind_display() == "telegram"


def test_the_labels_of_a_field_are_built_once() -> None:
    field = TimelineEntry._meta.get_field("kind")
    orgs_models.choice_labels.cache_clear()
    TimelineEntry(kind=EntryKind.NOTE).get_kind_display()
    TimelineEntry(kind=EntryKind.VISIT).get_kind_display()
    assert orgs_models.choice_labels.cache_info().misses == 1
    assert orgs_models.choice_labels(field)[EntryKind.NOTE] == EntryKind.NOTE.label
