"""Status words must mean what they say: a closed case is not a desk outside its hours."""

from __future__ import annotations

from django.utils import translation

from madoguchi.cases.models import Status


def test_a_closed_case_reads_as_done_in_japanese_not_as_a_closed_desk() -> None:
    with translation.override("ja"):
        assert str(Status.CLOSED.label) == "完了"
        assert translation.gettext("closed") == "受付時間外"  # the desk's word is unchanged
