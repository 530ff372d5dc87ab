"""Validation for an organization's own parties and desks (web and API share it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from madoguchi.directory.models import Desk, Party
from madoguchi.directory.services import DESK_FIELDS, PARTY_FIELDS
from madoguchi.engine.hours import hours_problem
from madoguchi.engine.model import Purpose

# The engine's slug (a site file's): a database SlugField would also take capitals and "_",
# which no site file can name.
engine_slug = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", _("Use lowercase letters a-z, digits and “-” (e.g. local-isp).")
)


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["slug", *PARTY_FIELDS]

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["slug"].validators.append(engine_slug)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = Party.objects.filter(organization=self.organization, slug=slug)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Your organization already has a party with this slug."))
        return slug


class DeskForm(forms.ModelForm):
    purposes = forms.JSONField(required=False, initial=list)

    class Meta:
        model = Desk
        fields = ["slug", *DESK_FIELDS, "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].validators.append(engine_slug)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        clash = Desk.objects.filter(party_id=self.instance.party_id, slug=slug)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This party already has a desk with this slug."))
        return slug

    def clean_purposes(self) -> list[str]:
        purposes = self.cleaned_data.get("purposes") or []
        if not isinstance(purposes, list):
            raise forms.ValidationError(_('Enter a list such as ["fault", "inquiry"].'))
        unknown = [p for p in purposes if p not in Purpose._value2member_map_]
        if unknown:
            allowed = ", ".join(p.value for p in Purpose)
            raise forms.ValidationError(
                _("Unknown purpose %(bad)s; use %(allowed)s.")
                % {"bad": unknown, "allowed": allowed}
            )
        return purposes

    def clean_hours(self) -> str:
        hours = self.cleaned_data.get("hours", "")
        if hours and (problem := hours_problem(hours)):
            raise forms.ValidationError(problem)
        return hours
