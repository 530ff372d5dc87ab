"""The forms of the notification pages: a channel, the organization's LINE token, a site's
customer contact. A refused form keeps what was typed; each error says its field's name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.notifications.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    ChannelKind,
    EventKind,
)
from madoguchi.notifications.services import SUBSCRIBABLE
from madoguchi.server.bounds import BoundedForm

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def event_choices() -> list[tuple[str, Any]]:
    return [(value, EventKind(value).label) for value in SUBSCRIBABLE]


def kind_choices(personal: bool) -> list[tuple[str, Any]]:
    if personal:
        return [(ChannelKind.EMAIL, _("e-mail"))]
    return [
        (ChannelKind.EMAIL, _("e-mail")),
        (ChannelKind.WEBHOOK, _("webhook (Slack, Teams, your own system)")),
        (ChannelKind.LINE, _("LINE (a user, group or room of your LINE official account)")),
    ]


class NamedErrorsForm(BoundedForm, forms.Form):
    """Each field's error begins with the field's name (read aloud, or in a summary)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        found: Any = getattr(self, "_errors", None)
        if not self.is_bound or not found:
            return
        for name, errors in found.items():
            if name in self.fields:
                label = self.fields[name].label
                errors[:] = [f"{label}: {message}" for message in errors]

    def refused(self, field: str, message: str) -> None:
        """A service's refusal on its field (its message names the field in English terms:
        the part before the colon is replaced by the label)."""
        text = message.split(": ", 1)[1] if ": " in message else message
        if field in self.fields:
            self.add_error(field, f"{self.fields[field].label}: {text}")
        else:
            self.add_error(None, message)


class ChannelForm(NamedErrorsForm):
    kind = forms.ChoiceField(label=_("How it is sent"), widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Name (for you)"),
        max_length=100,
        required=False,
        help_text=_("e.g. the night duty's Slack"),
    )
    target = forms.CharField(
        label=_("Where to send"),
        max_length=500,
        required=False,
        help_text=_(
            "E-mail: the address. Webhook: the URL that receives the JSON. "
            "LINE: the user, group or room ID (it begins with U, C or R)."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("What to tell"),
        choices=event_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quiet_start = forms.TimeField(label=_("Quiet hours from"), widget=TIME)
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        widget=TIME,
        help_text=_(
            "Nothing is sent between these times unless it is urgent; it waits until then."
        ),
    )

    def __init__(self, *args: Any, personal: bool, editing: str = "", **kwargs: Any) -> None:
        """`editing`: the kind of the channel being changed (its kind cannot change; its
        address may be left empty to keep it)."""
        super().__init__(*args, **kwargs)
        self.editing = editing
        kind: Any = self.fields["kind"]
        kind.choices = kind_choices(personal)
        if editing:
            del self.fields["kind"]
            if editing == ChannelKind.WEBHOOK:
                self.fields["target"].help_text = _(
                    "Leave empty to keep the current URL (it is not shown again)."
                )
        if not self.is_bound:
            self.initial.setdefault("events", list(SUBSCRIBABLE))
            self.initial.setdefault("quiet_start", DEFAULT_QUIET_START)
            self.initial.setdefault("quiet_end", DEFAULT_QUIET_END)
            if personal:
                self.initial.setdefault("kind", ChannelKind.EMAIL)

    def clean_events(self) -> list[str]:
        events: list[str] = self.cleaned_data["events"]
        if not events:
            raise forms.ValidationError(_("Tick at least one thing to tell."))
        return events

    def clean_target(self) -> str:
        target: str = self.cleaned_data["target"].strip()
        if not target and not self.editing:
            raise forms.ValidationError(_("Write where to send it."))
        return target

    def stored_events(self) -> list[str]:
        """All ticked is stored as "everything" (empty), so later kinds of events reach it."""
        events: list[str] = self.cleaned_data["events"]
        return [] if set(events) >= set(SUBSCRIBABLE) else events

    def quiet(self) -> tuple[dt.time, dt.time]:
        return self.cleaned_data["quiet_start"], self.cleaned_data["quiet_end"]


class LineTokenForm(NamedErrorsForm):
    channel_token = forms.CharField(
        label=_("Channel access token (long-lived)"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "From the LINE Developers console, Messaging API tab. It is kept on the server and "
            "never shown again."
        ),
    )


class ContactForm(NamedErrorsForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    incident_updates = forms.BooleanField(
        label=_("Send updates about outages at this site"), required=False, initial=True
    )
