"""The agent form: the company, its details as repeating rows (like a contract's IDs), and
whether the organization takes its jobs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from madoguchi.agents.models import Agent, AgentStatus, DetailKind
from madoguchi.agents.services import NAME_MAX, VALUE_MAX
from madoguchi.engine import bounds
from madoguchi.server.bounds import BoundedForm

DETAIL_ROWS_MIN = 4
ROWS_MAX = 100  # a posted form cannot ask for more rows than this
# The kinds an empty form offers first: where they are, how they call, who called.
DEFAULT_KINDS = [
    DetailKind.ADDRESS,
    DetailKind.PHONE,
    DetailKind.FAX,
    DetailKind.PERSON,
    DetailKind.DOMAIN,
    DetailKind.FORMER_NAME,
]


def kind_choices() -> list[tuple[str, Any]]:
    return [
        (DetailKind.ADDRESS, _("Address")),
        (DetailKind.PHONE, _("Phone number")),
        (DetailKind.FAX, _("FAX number")),
        (DetailKind.PERSON, _("Person who called")),
        (DetailKind.DOMAIN, _("Web site or e-mail domain")),
        (DetailKind.FORMER_NAME, _("Former company name")),
    ]


def status_choices() -> list[tuple[str, Any]]:
    return [
        (AgentStatus.OK, _("✓ Jobs accepted")),
        (AgentStatus.CAUTION, _("⚠ Caution: check before accepting")),
        (AgentStatus.REFUSED, _("✖ Refused: do not take their jobs")),
    ]


class AgentForm(BoundedForm, forms.Form):
    name = forms.CharField(
        label=_("Company name"),
        max_length=NAME_MAX,
        error_messages={"required": _("Write the company's name.")},
    )
    status = forms.ChoiceField(
        label=_("Do you take their jobs?"),
        choices=status_choices,
        widget=forms.RadioSelect,
        initial=AgentStatus.OK,
    )
    status_reason = forms.CharField(
        label=_("Why (what happened)"),
        required=False,
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A colleague reads this before taking their call."),
    )
    status_since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, agent: Agent | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        stored = list(agent.details.all()) if agent is not None else []
        posted = 0
        if self.is_bound:
            posted = sum(1 for key in self.data if key.startswith("detail_value_"))
        self.detail_rows = max(DETAIL_ROWS_MIN, len(stored) + 2, min(posted, ROWS_MAX))
        for i in range(self.detail_rows):
            self.fields[f"detail_kind_{i}"] = forms.ChoiceField(
                label=_("What it is"), choices=kind_choices, required=False
            )
            self.fields[f"detail_value_{i}"] = forms.CharField(
                label=_("As written"), required=False, max_length=VALUE_MAX
            )
        if agent is not None:
            self.initial.update(
                name=agent.name,
                status=agent.status,
                status_reason=agent.status_reason,
                status_since=agent.status_since,
                note=agent.note,
            )
        for i, detail in enumerate(stored):
            self.initial[f"detail_kind_{i}"] = detail.kind
            self.initial[f"detail_value_{i}"] = detail.value
        for i in range(len(stored), self.detail_rows):
            self.initial.setdefault(
                f"detail_kind_{i}", DEFAULT_KINDS[(i - len(stored)) % len(DEFAULT_KINDS)]
            )

    def detail_row_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"detail_kind_{i}"], self[f"detail_value_{i}"]) for i in range(self.detail_rows)
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self["name"]]

    def status_fields(self) -> list[forms.BoundField]:
        return [self["status"], self["status_reason"], self["status_since"]]

    def details(self) -> list[tuple[str, str]]:
        """(kind, value) of the filled rows, in order (also from a form that did not validate:
        the preview looks for resemblances in whatever was typed)."""
        rows = []
        source = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for i in range(self.detail_rows):
            kind = source.get(f"detail_kind_{i}") or self.data.get(f"detail_kind_{i}", "")
            value = source.get(f"detail_value_{i}") or self.data.get(f"detail_value_{i}", "")
            value = str(value).replace("\x00", "").strip()  # a NUL is refused on the field
            if value and kind in DetailKind.values:
                rows.append((str(kind), value[:VALUE_MAX]))
        return rows

    def typed_name(self) -> str:
        return str(self.data.get("name", "")).replace("\x00", "").strip()[:NAME_MAX]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _reason_required(self, cleaned)
        return cleaned


def _reason_required(form: forms.Form, cleaned: dict[str, Any]) -> None:
    status = cleaned.get("status")
    if status and status != AgentStatus.OK and not (cleaned.get("status_reason") or "").strip():
        form.add_error(
            "status_reason",
            ValidationError(_("Write why, so that a colleague knows before taking their call.")),
        )


class StatusForm(BoundedForm, forms.Form):
    """The status alone, from the agent's page."""

    status = AgentForm.base_fields["status"]
    status_reason = AgentForm.base_fields["status_reason"]
    status_since = AgentForm.base_fields["status_since"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _reason_required(self, cleaned)
        return cleaned
