"""Forms for the web pages. Choices come from the engine's enums, so a form can only hold
values the engine understands; party slugs are checked against the organization's directory."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    validate_slug,
)
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.messages import LABELS as ENGINE_LABELS
from madoguchi.engine.messages import label
from madoguchi.engine.model import TOKYO, Lamp, OnuLamps, Service, Symptom
from madoguchi.engine.sitefile import contract_problems
from madoguchi.server.choices import named_choices
from madoguchi.server.i18n import engine_lang
from madoguchi.sites.models import BillLine, Contract, Event, Site
from madoguchi.sites.records import (
    BILLS,
    CONTRACTS,
    EVENTS,
    RowKind,
    site_directory,
    values_as_record,
)

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
# What a PostgreSQL integer holds, and how many IDs a contract may carry (as the API).
YEN_MAX = 2**31 - 1
IDS_MAX = 50


def _message(error: Any) -> str:
    """A pydantic error in Django's words where Django has them (translated), else its own."""
    ctx = error.get("ctx") or {}
    if error["type"] == "string_too_long":
        try:
            MaxLengthValidator(ctx["max_length"])(error["input"])
        except ValidationError as exc:
            return str(exc.messages[0])
    if error["type"] == "string_pattern_mismatch":
        return str(validate_slug.message)
    return str(error["msg"])


class RecordForm(forms.ModelForm):
    """A form for a kind of a site's rows whose fields are its engine record's, and whose
    values are checked by that record: a row the form accepts is a valid site-file record
    (the rules that span records run when it is saved, sites.integrity)."""

    kind: ClassVar[RowKind]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name != "contract":
                field.choices = _named(field.choices, event=self.kind is EVENTS)
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"})
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 2

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {name: data.get(name) for name in self.kind.fields}
        try:
            record = values_as_record(self.kind, values)
        except PydanticError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else None
                if field in self.errors:
                    continue  # the form already says what is wrong with it
                self.add_error(field if field in self.fields else None, _message(error))
        else:
            self.check_record(record)
        return data

    def check_record(self, record: Any) -> None:
        """Rules beyond the record's own fields (none by default)."""


def _named(choices: Any, *, event: bool) -> list[tuple[Any, str]]:
    """Choices in words: services by the engine's labels, the rest by server.choices."""
    lang = engine_lang()
    return [
        (value, label(lang, value) if value in ENGINE_LABELS else text)
        for value, text in named_choices(choices, event=event)
    ]


# What the web says when a contract breaks a rule of engine.sitefile.contract_problems.
CONTRACT_RULES = {
    "option-needs-service": _("Only for contracts with service “option”."),
    "unknown-option": _("Unknown option “%(slug)s”."),
    "isp-needs-access": _("Only an access contract can include the ISP."),
    "end-before-start": _("The end is before the start."),
}


class PartySlugMixin(forms.BaseForm):
    """Validates `party` fields against the catalog plus the organization's own parties."""

    party_fields: tuple[str, ...] = ("party",)

    def __init__(self, *args: Any, known_parties: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_parties = known_parties

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.party_fields:
            slug = data.get(name)
            if slug and slug not in self.known_parties:
                self.add_error(name, _("Unknown party “%(slug)s”.") % {"slug": slug})
        return data


class ContractForm(PartySlugMixin, RecordForm):
    kind = CONTRACTS
    ids = forms.JSONField(
        required=False,
        initial=dict,
        label=_("IDs"),
        help_text=_('e.g. {"customer_id": "CAF0000000"}'),
    )

    class Meta:
        model = Contract
        fields = CONTRACTS.fields

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
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
        if len(ids) > IDS_MAX:
            raise forms.ValidationError(_("Too many IDs, or an ID that is too long."))
        return {str(k): str(v) for k, v in ids.items()}

    def check_record(self, record: Any) -> None:
        """The site file's rules for one contract (engine.sitefile), in the person's words."""
        for field, rule, _message in contract_problems(record, load_catalog().options):
            self.add_error(field, CONTRACT_RULES[rule] % {"slug": record.option})


class EventForm(PartySlugMixin, RecordForm):
    kind = EVENTS

    class Meta:
        model = Event
        fields = EVENTS.fields

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"] = forms.ChoiceField(
            label=_("contract"), required=False, choices=[("", "—"), *contract_choices(site)]
        )


def party_label(party: engine.Party) -> str:
    """A party by its name in the page's language (never its slug)."""
    return party.name_en if engine_lang() == "en" and party.name_en else party.name


def party_choices(site: Site, directory: dict[str, engine.Party]) -> list[Any]:
    """The parties a site knows, by name: those its contracts name first, then the rest."""
    named = list(dict.fromkeys(c.party for c in site.contracts.all() if c.party in directory))
    others = sorted(
        (slug for slug in directory if slug not in named),
        key=lambda slug: party_label(directory[slug]),
    )
    choices: list[Any] = [("", "—")]
    if named:
        choices.append(
            (_("This site's contract holders"), [(s, party_label(directory[s])) for s in named])
        )
    choices.append((_("Other companies"), [(s, party_label(directory[s])) for s in others]))
    return choices


def service_choices() -> list[tuple[str, str]]:
    return [("", "—"), *[(s.value, label(engine_lang(), s.value)) for s in Service]]


class BillForm(PartySlugMixin, RecordForm):
    """One line of a bill, as a person reads it off the paper: who billed, the month, the
    item, the amount, and (if known) which contract it is for."""

    kind = BILLS

    class Meta:
        model = BillLine
        fields = BILLS.fields

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        directory = site_directory(site)
        self.contracts = {c.ref: c for c in site.contracts.all()}
        self.fields["party"] = forms.ChoiceField(
            label=_("billed by"), choices=party_choices(site, directory)
        )
        self.fields["month"] = forms.CharField(
            label=_("month"),
            widget=forms.TextInput(attrs={"type": "month"}),
            help_text=_("The month the bill is for."),
        )
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("month", dt.datetime.now(TOKYO).strftime("%Y-%m"))
        self.fields["item"].label = _("item (as printed on the bill)")
        self.fields["item"].widget.attrs["placeholder"] = _("e.g. フレッツ・ウイルスクリア")
        yen = self.fields["yen"]
        yen.label = _("amount (yen)")
        yen.validators += [MaxValueValidator(YEN_MAX), MinValueValidator(-YEN_MAX)]
        yen.widget.attrs["inputmode"] = "numeric"
        self.fields["contract"] = forms.ChoiceField(
            label=_("contract (if you know it)"),
            required=False,
            choices=[("", "—"), *contract_choices(site)],
        )
        self.fields["service"] = forms.ChoiceField(
            label=_("service (if you know it)"), required=False, choices=service_choices()
        )
        self.order_fields(["party", "month", "item", "yen", "contract", "service"])

    def clean_month(self) -> str:
        month = str(self.cleaned_data["month"]).strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise forms.ValidationError(_("Enter the month as a year and a month, e.g. 2026-02."))
        return month

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        contract = self.contracts.get(data.get("contract") or "")
        party = data.get("party")
        if contract is not None and party and contract.party != party:
            directory = site_directory(self.site)
            holder = directory.get(contract.party)
            self.add_error(
                "contract",
                _(
                    "This contract is held by %(holder)s: choose %(holder)s as the biller, "
                    "or another contract."
                )
                % {"holder": party_label(holder) if holder else contract.party},
            )
        return data


def contract_choices(site: Site) -> list[tuple[str, str]]:
    """A site's contracts by what they are and who holds them (ドコモ光 1ギガ（ドコモ光）,
    フレッツ・ウイルスクリア（NTT東日本）), numbered where two would read the same; never by
    their ref."""
    lang = engine_lang()
    rows = list(site.contracts.values_list("ref", "service", "product", "option", "party"))
    names = site_directory(site)
    options = load_catalog().options
    texts = []
    for _ref, service, product, option, party in rows:
        holder: str = party
        if party in names:
            holder = (names[party].name_en if lang == "en" else None) or names[party].name
        if option in options:
            option = options[option].name_en if lang == "en" else options[option].name
        what = product or option or label(lang, service)
        texts.append(f"{what} ({holder})" if lang == "en" else f"{what}（{holder}）")
    seen: dict[str, int] = {}
    choices = []
    for (ref, *_rest), text in zip(rows, texts, strict=True):
        seen[text] = seen.get(text, 0) + 1
        choices.append((ref, text if texts.count(text) == 1 else f"{text} ({seen[text]})"))
    return choices


LAMP_NAMES = {
    "power": _("ONU power"),
    "optical": _("ONU optical"),
    "auth": _("ONU auth"),
    "uni": _("ONU UNI"),
    "ppp": _("ONU PPP"),
}


# A lamp's short name as printed on the drawing of an ONU's front.
LAMP_SHORT = {
    "power": _("power"),
    "optical": _("optical"),
    "auth": _("auth"),
    "uni": "UNI",
    "ppp": "PPP",
}


def lamp_choices() -> list[tuple[str, str]]:
    """A lamp's readings in words (点灯 / 消灯 / 点滅 / 赤), and "I don't know" (no reading)."""
    return [
        *[(lamp.value, label(engine_lang(), lamp.value)) for lamp in Lamp],
        ("", str(_("don't know"))),
    ]


class TroubleForm(forms.Form):
    """What is wrong right now: symptoms, the ONU lamps (one field per lamp the site file
    knows, engine OnuLamps, so no reading is lost by saving the form), and which companies
    said there is no contract with them (the site's contract holders, by name)."""

    symptoms = forms.MultipleChoiceField(
        label=_("What is not working?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, SYMPTOM_NAMES[s]) for s in Symptom],
    )

    def __init__(self, *args: Any, site: Site | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lamp in OnuLamps.model_fields:
            self.fields[lamp] = forms.ChoiceField(
                label=LAMP_NAMES[lamp],
                choices=lamp_choices(),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "lamp"}),
            )
        self.holders: list[tuple[str, str]] = []
        if site is not None:
            directory = site_directory(site)
            slugs = [c.party for c in site.contracts.all()] + list(site.said_no_contract)
            self.holders = [
                (slug, party_label(directory[slug]) if slug in directory else slug)
                for slug in dict.fromkeys(slugs)
            ]
        if self.holders:
            self.fields["said_no_contract"] = forms.MultipleChoiceField(
                label=_("Which companies said there is no contract with you?"),
                help_text=_(
                    "Tick a company only if its desk told you it has no contract for this place."
                ),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=self.holders,
            )
            self.fields["said_no_contract_shown"] = forms.BooleanField(
                required=False, initial=True, widget=forms.HiddenInput
            )

    def onu_lamps(self) -> list[tuple[int, str]]:
        """(x, short name) of each lamp on the drawing of an ONU's front, left to right."""
        return [
            (40 + 60 * i, str(LAMP_SHORT[lamp])) for i, lamp in enumerate(OnuLamps.model_fields)
        ]

    def lamp_fields(self) -> list[forms.BoundField]:
        return [self[lamp] for lamp in OnuLamps.model_fields]

    def lamps(self) -> dict[str, str]:
        """The readings this post sets ("" clears one); a lamp it does not name stays."""
        named = [lamp for lamp in OnuLamps.model_fields if lamp in self.data]
        return {lamp: self.cleaned_data[lamp] for lamp in named}

    def said_no_contract(self) -> list[str] | None:
        """The companies ticked, or None when the post did not show the question."""
        if not self.cleaned_data.get("said_no_contract_shown"):
            return None
        return list(self.cleaned_data.get("said_no_contract") or [])
