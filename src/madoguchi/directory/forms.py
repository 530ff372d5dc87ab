"""Validation for an organization's own parties and desks (the API's services use it).

What a valid party or desk is, is said once, by the engine's records (a site file's rules:
the slug, the link schemes, opening_hours, the purposes); a form checks its input through
them, and says in the person's language which field is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as RecordError

from madoguchi.directory.models import Desk, DeskOverride, FactConfirmation, Party
from madoguchi.directory.records import DESK_FIELDS, PARTY_FIELDS, record_values
from madoguchi.engine import bounds
from madoguchi.engine import model as engine
from madoguchi.engine.hours import build_hours, hours_problem
from madoguchi.engine.model import PhoneFrom, Purpose, Service
from madoguchi.server.bounds import BoundedForm
from madoguchi.server.choices import WEEKDAYS

SLUG_HELP = _("Use lowercase letters a-z, digits and “-” (e.g. local-isp).")


class RecordForm(BoundedForm, forms.ModelForm):
    """A form whose cleaned values must also make the engine's record."""

    record_type: type[engine.Record]

    def _post_clean(self) -> None:
        """After the row's own checks (whose messages are translated), the record's."""
        super()._post_clean()  # type: ignore[misc]  # django-stubs omit BaseModelForm._post_clean
        values = record_values(self.record_type, self.cleaned_data, self.record_type.model_fields)
        try:
            self.record_type.model_validate(values)
        except RecordError as error:
            for problem in error.errors():
                name = str(problem["loc"][0])
                # A field the form refused already is missing here: its error stands.
                if name in self.fields and name not in self.errors:
                    self.add_error(name, self.message(name, problem))

    def message(self, name: str, problem: Any) -> Any:
        """The record's reason, in the person's words where the form knows them."""
        if name == "slug":
            return SLUG_HELP
        reason = problem.get("ctx", {}).get("error")
        return str(reason) if reason else problem["msg"]


class PartyForm(RecordForm):
    record_type = engine.Party

    class Meta:
        model = Party
        fields = ["slug", *PARTY_FIELDS]

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = Party.objects.filter(organization=self.organization, slug=slug)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Your organization already has a party with this slug."))
        return slug


class DeskForm(RecordForm):
    record_type = engine.Desk
    purposes = forms.JSONField(required=False, initial=list)
    services = forms.JSONField(required=False, initial=list)
    phone_from = forms.JSONField(required=False, initial=list)

    class Meta:
        model = Desk
        fields = ["slug", *DESK_FIELDS, "position"]

    def clean_slug(self) -> str:
        """Unique in the party, and among all of an organization's own parties (a site file
        names its local desks by slug alone)."""
        slug = self.cleaned_data["slug"]
        clash = Desk.objects.filter(party_id=self.instance.party_id, slug=slug)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This party already has a desk with this slug."))
        organization_id = self.instance.party.organization_id
        if organization_id is not None:
            other = (
                Desk.objects.filter(organization_id=organization_id, slug=slug)
                .exclude(pk=self.instance.pk)
                .select_related("party")
                .first()
            )
            if other is not None:
                raise forms.ValidationError(
                    _("Another of your parties (%(party)s) already has a desk with this slug.")
                    % {"party": other.party.name}
                )
        return slug

    def clean_purposes(self) -> list[str]:
        return self.cleaned_data.get("purposes") or []

    def clean_services(self) -> list[str]:
        """The services the desk handles; none listed: every service."""
        return self.cleaned_data.get("services") or []

    def clean_phone_from(self) -> list[str]:
        """The phones the number reaches the desk from; none listed: any phone."""
        return self.cleaned_data.get("phone_from") or []

    def message(self, name: str, problem: Any) -> Any:
        if name == "purposes":
            purposes = self.cleaned_data.get("purposes")
            if not isinstance(purposes, list):
                return _('Enter a list such as ["fault", "inquiry"].')
            unknown = [p for p in purposes if p not in Purpose._value2member_map_]
            allowed = ", ".join(p.value for p in Purpose)
            return _("Unknown purpose %(bad)s; use %(allowed)s.") % {
                "bad": unknown,
                "allowed": allowed,
            }
        if name == "services":
            services = self.cleaned_data.get("services")
            if not isinstance(services, list):
                return _('Enter a list such as ["access", "phone"].')
            bad = [s for s in services if s not in Service._value2member_map_]
            allowed = ", ".join(s.value for s in Service)
            return _("Unknown service %(bad)s; use %(allowed)s.") % {"bad": bad, "allowed": allowed}
        if name == "phone_from":
            phones = self.cleaned_data.get("phone_from")
            if not isinstance(phones, list):
                return _('Enter a list such as ["fixed", "docomo-mobile"].')
            bad = [p for p in phones if p not in PhoneFrom._value2member_map_]
            allowed = ", ".join(p.value for p in PhoneFrom)
            return _("Unknown phone %(bad)s; use %(allowed)s.") % {"bad": bad, "allowed": allowed}
        return super().message(name, problem)


class FactConfirmationForm(BoundedForm, forms.ModelForm):
    """An organization's own source and date for a fact that says 要確認."""

    class Meta:
        model = FactConfirmation
        fields = ["key", "source", "checked", "note"]
        widgets = {
            "key": forms.HiddenInput,
            "checked": forms.DateInput(attrs={"type": "date"}),
            "note": forms.TextInput,
        }
        help_texts = {
            "source": _("The page where your organization confirmed it (an official page)."),
            "checked": _("The day you read it."),
        }

    def __init__(self, *args: Any, confirmable: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.confirmable = confirmable

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key not in self.confirmable:
            raise forms.ValidationError(_("This fact cannot be confirmed here."))
        return key


class DeskOverrideForm(BoundedForm, forms.ModelForm):
    """An organization's correction of a catalog desk, as the service takes it (the API's
    hours in opening_hours syntax; the page converts its weekday and time fields first)."""

    class Meta:
        model = DeskOverride
        fields = ["phone", "mobile_phone", "hours", "reason"]

    def clean_hours(self) -> str:
        hours = (self.cleaned_data.get("hours") or "").strip()
        if hours and hours_problem(hours):
            raise forms.ValidationError(
                _("These hours cannot be read. Choose the days and times on the form.")
            )
        return hours

    def clean_reason(self) -> str:
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Say why the catalog is wrong (e.g. where you saw it)."))
        return reason


def clean_phone_from(value: Any) -> list[str] | None:
    """The phones a number works from, as the API and the page give them; None: keep the
    catalog's. ValidationError for a value that is not a kind of phone."""
    if value is None:
        return None
    if not isinstance(value, list | tuple) or any(
        v not in PhoneFrom._value2member_map_ for v in value
    ):
        raise forms.ValidationError(_("Choose the phones from the list."), code="phone_from")
    return [p.value for p in PhoneFrom if p.value in value]


# How the hours are given on the page: kept, a preset, or days and times.
HOURS_KEEP = "keep"
HOURS_ALWAYS = "always"
HOURS_WEEKDAYS = "weekdays"
HOURS_DAYS = "days"
HOURS_CHOICES = [
    (HOURS_KEEP, _("Keep the catalog's hours")),
    (HOURS_ALWAYS, _("24 hours, every day")),
    (HOURS_WEEKDAYS, _("Weekdays 9:00–17:00 (closed on public holidays)")),
    (HOURS_DAYS, _("Choose the days and times")),
]
PHONE_FROM_KEEP = "keep"
PHONE_FROM_ANY = "any"
PHONE_FROM_CHOSEN = "chosen"
PHONE_FROM_MODES = [
    (PHONE_FROM_KEEP, _("As in the catalog")),
    (PHONE_FROM_ANY, _("From any phone")),
    (PHONE_FROM_CHOSEN, _("Only from the phones ticked below")),
]
PHONE_NAMES = [
    (PhoneFrom.FIXED.value, _("a fixed (copper) line")),
    (PhoneFrom.HIKARI_DENWA.value, _("Hikari Denwa")),
    (PhoneFrom.MOBILE.value, _("any mobile")),
    (PhoneFrom.DOCOMO_MOBILE.value, _("a docomo mobile")),
    (PhoneFrom.AU_MOBILE.value, _("an au mobile")),
    (PhoneFrom.SOFTBANK_MOBILE.value, _("a SoftBank mobile")),
]
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class DeskCorrectionForm(BoundedForm, forms.Form):
    """The page's form: the numbers as text, the hours as a preset or weekdays and times
    (never opening_hours syntax), where the number works from as ticks, and the reason."""

    phone = forms.CharField(
        label=_("Phone number"),
        max_length=bounds.PHONE,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    mobile_phone = forms.CharField(
        label=_("Number to call from a mobile"),
        max_length=bounds.PHONE,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    hours_mode = forms.ChoiceField(
        label=_("Hours"), choices=HOURS_CHOICES, initial=HOURS_KEEP, widget=forms.RadioSelect
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )
    opens = forms.TimeField(label=_("From"), required=False, initial="09:00", widget=TIME)
    closes = forms.TimeField(label=_("To"), required=False, initial="17:00", widget=TIME)
    closed_on_holidays = forms.BooleanField(
        label=_("Closed on public holidays"), required=False, initial=True
    )
    closed_over_new_year = forms.BooleanField(
        label=_("Closed over the New Year (12/29–1/3)"), required=False
    )
    phone_from_mode = forms.ChoiceField(
        label=_("The phone number works from"),
        choices=PHONE_FROM_MODES,
        initial=PHONE_FROM_KEEP,
        widget=forms.RadioSelect,
    )
    phone_from = forms.MultipleChoiceField(
        label=_("Phones"), choices=PHONE_NAMES, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("Why (required)"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the number the company gave on the phone on 12/6, or the page you read."),
        error_messages={"required": _("Say why the catalog is wrong (e.g. where you saw it).")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hours_mode") == HOURS_DAYS:
            if not data.get("days"):
                self.add_error("days", _("Tick the days the desk is open."))
            if not data.get("opens") or not data.get("closes"):
                self.add_error("opens", _("Give the opening and closing times."))
        if data.get("phone_from_mode") == PHONE_FROM_CHOSEN and not data.get("phone_from"):
            self.add_error("phone_from", _("Tick the phones the number works from."))
        return data

    def hours(self) -> str:
        """The hours as opening_hours ("" keeps the catalog's)."""
        data = self.cleaned_data
        mode = data.get("hours_mode")
        if mode == HOURS_ALWAYS:
            return "24/7"
        if mode == HOURS_WEEKDAYS:
            return build_hours([0, 1, 2, 3, 4], dt.time(9), dt.time(17), closed_on_holidays=True)
        if mode == HOURS_DAYS:
            return build_hours(
                data["days"],
                data["opens"],
                data["closes"],
                closed_on_holidays=bool(data.get("closed_on_holidays")),
                closed_over_new_year=bool(data.get("closed_over_new_year")),
            )
        return ""

    def values(self) -> dict[str, Any]:
        """What the service takes (DeskOverrideForm's fields and phone_from)."""
        data = self.cleaned_data
        mode = data.get("phone_from_mode")
        phone_from: list[str] | None = None
        if mode == PHONE_FROM_ANY:
            phone_from = []
        elif mode == PHONE_FROM_CHOSEN:
            phone_from = list(data.get("phone_from") or [])
        return {
            "phone": (data.get("phone") or "").strip(),
            "mobile_phone": (data.get("mobile_phone") or "").strip(),
            "hours": self.hours(),
            "phone_from": phone_from,
            "reason": (data.get("reason") or "").strip(),
        }
