"""Forms for the web pages. Choices come from the engine's enums, so a form can only hold
values the engine understands; party slugs are checked against the organization's directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import load_catalog
from madoguchi.engine.model import Lamp, OnuLamps, Symptom
from madoguchi.sites.models import Contract, Event, Site

SYMPTOM_NAMES = {
    Symptom.INTERNET_DOWN: _("internet down"),
    Symptom.PHONE_DOWN: _("phone down"),
    Symptom.FAX_DOWN: _("FAX down"),
    Symptom.TV_DOWN: _("TV down"),
    Symptom.MAIL_ERROR: _("mail errors"),
    Symptom.SLOW: _("slow"),
    Symptom.WIFI_WEAK: _("weak Wi-Fi"),
    Symptom.UNKNOWN_CHARGE: _("unknown charge on a bill"),
}
# What a site file accepts (engine/model.py Text) and a PostgreSQL integer holds.
TEXT_MAX = 2000
YEN_MAX = 2**31 - 1
IDS_MAX = 50


def _bound_text(form: forms.BaseForm, *names: str) -> None:
    """Notes are unbounded in the database but not in a site file: keep them exportable."""
    for name in names:
        form.fields[name].validators.append(MaxLengthValidator(TEXT_MAX))
        form.fields[name].widget.attrs["maxlength"] = TEXT_MAX


LAMP_CHOICES = [("", "—"), *[(lamp.value, lamp.value) for lamp in Lamp]]


class PartySlugMixin:
    """Validates `party` fields against the catalog plus the organization's own parties."""

    party_fields: tuple[str, ...] = ("party",)

    def __init__(self, *args: Any, known_parties: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.known_parties = known_parties

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        for name in self.party_fields:
            slug = data.get(name)
            if slug and slug not in self.known_parties:
                self.add_error(name, _("Unknown party “%(slug)s”.") % {"slug": slug})
        return data


class ContractForm(PartySlugMixin, forms.ModelForm):
    ids = forms.JSONField(
        required=False,
        initial=dict,
        label=_("IDs"),
        help_text=_('e.g. {"customer_id": "CAF0000000"}'),
    )

    class Meta:
        model = Contract
        fields = [
            "ref",
            "service",
            "party",
            "product",
            "option",
            "course",
            "includes_isp",
            "ids",
            "start",
            "end",
            "acquired",
            "document_received",
            "monthly_yen",
            "payment",
            "wanted",
            "note",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "document_received": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        _bound_text(self, "note")
        self.fields["monthly_yen"].validators.append(MaxValueValidator(YEN_MAX))

    def clean_ref(self) -> str:
        ref = self.cleaned_data["ref"].strip()
        clash = Contract.objects.filter(site=self.site, ref=ref).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This site already has a contract with this ref."))
        return ref

    def clean_ids(self) -> dict[str, str]:
        ids = self.cleaned_data.get("ids") or {}
        if not isinstance(ids, dict):
            raise forms.ValidationError(_('Enter a mapping such as {"customer_id": "CAF0000000"}.'))
        ids = {str(k): str(v) for k, v in ids.items()}
        too_long = any(len(k) > 100 or len(v) > TEXT_MAX for k, v in ids.items())
        if len(ids) > IDS_MAX or too_long:
            raise forms.ValidationError(_("Too many IDs, or an ID that is too long."))
        return ids

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        option = data.get("option")
        if option:
            if data.get("service") != "option":
                self.add_error("option", _("Only for contracts with service “option”."))
            elif option not in load_catalog().options:
                self.add_error("option", _("Unknown option “%(slug)s”.") % {"slug": option})
        if data.get("includes_isp") and data.get("service") != "access":
            self.add_error("includes_isp", _("Only an access contract can include the ISP."))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return data


class EventForm(PartySlugMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["date", "kind", "contract", "effective", "party", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "effective": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        refs = list(site.contracts.values_list("ref", flat=True))
        self.fields["contract"] = forms.ChoiceField(
            label=_("contract ref"), required=False, choices=[("", "—"), *[(r, r) for r in refs]]
        )
        _bound_text(self, "note")


LAMP_NAMES = {
    "power": _("ONU power"),
    "optical": _("ONU optical"),
    "auth": _("ONU auth"),
    "uni": _("ONU UNI"),
    "ppp": _("ONU PPP"),
}


class TroubleForm(forms.Form):
    """What is wrong right now: symptoms and the ONU lamps, one field per lamp the site file
    knows (engine OnuLamps), so no reading is lost by saving the form."""

    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, SYMPTOM_NAMES[s]) for s in Symptom],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lamp in OnuLamps.model_fields:
            self.fields[lamp] = forms.ChoiceField(
                label=LAMP_NAMES[lamp], choices=LAMP_CHOICES, required=False
            )

    def lamps(self) -> dict[str, str]:
        """The readings this post sets ("" clears one); a lamp it does not name stays."""
        named = [lamp for lamp in OnuLamps.model_fields if lamp in self.data]
        return {lamp: self.cleaned_data[lamp] for lamp in named}
