"""Validation for an organization's own parties and desks (the API's services use it).

What a valid party or desk is, is said once, by the engine's records (a site file's rules:
the slug, the link schemes, opening_hours, the purposes); a form checks its input through
them, and says in the person's language which field is wrong.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as RecordError

from madoguchi.directory.models import Desk, FactConfirmation, Party
from madoguchi.directory.records import DESK_FIELDS, PARTY_FIELDS, record_values
from madoguchi.engine import model as engine
from madoguchi.engine.model import PhoneFrom, Purpose, Service
from madoguchi.server.bounds import BoundedForm

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
