"""Forms for the web pages. Choices come from the engine's enums, so a form can only hold
values the engine understands; party slugs are checked against the organization's directory."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MinValueValidator,
    validate_slug,
)
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from madoguchi.contracts.models import BillLine, Contract, Event, Site
from madoguchi.contracts.records import (
    BILLS,
    CONTRACTS,
    EVENTS,
    RowKind,
    site_directory,
    values_as_record,
)
from madoguchi.contracts.services import NEW_HOLDER
from madoguchi.directory.pickers import PartyPicker, party_choices
from madoguchi.engine import bounds, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.hours import build_hours
from madoguchi.engine.messages import LABELS as ENGINE_LABELS
from madoguchi.engine.messages import label
from madoguchi.engine.model import TOKYO, Lamp, OnuLamps, PartyKind, Service, Symptom
from madoguchi.engine.sitefile import contract_problems
from madoguchi.server.bounds import BoundedForm
from madoguchi.server.choices import LAMP_NAMES, SYMPTOM_NAMES, WEEKDAYS, named_choices
from madoguchi.server.i18n import engine_lang
from madoguchi.server.id_kinds import ID_KINDS

# What a PostgreSQL integer holds, and how many IDs a contract may carry (as the API).
YEN_MAX = bounds.YEN_MAX
IDS_MAX = bounds.IDS


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


class RecordForm(BoundedForm, forms.ModelForm):
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


def _named(choices: Any, *, event: bool = False) -> list[tuple[Any, str]]:
    """Choices in words: by the engine's labels where it has them, the rest by
    server.choices; the empty choice as a dash."""
    lang = engine_lang()
    return [
        (value, label(lang, value) if value in ENGINE_LABELS else text if value else "—")
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

    def __init__(self, *args: Any, directory: Mapping[str, engine.Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = directory
        self.known_parties = set(directory)

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
        self.site = site
        self.fields["contract"] = forms.ChoiceField(
            label=_("contract"), required=False, choices=[("", "—"), *contract_choices(site)]
        )


def party_label(party: engine.Party) -> str:
    """A party by its name in the page's language (never its slug)."""
    return party.name_en if engine_lang() == "en" and party.name_en else party.name


def site_party_choices(site: Site, directory: Mapping[str, engine.Party]) -> list[Any]:
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

    def __init__(
        self, *args: Any, site: Site, directory: Mapping[str, engine.Party], **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, directory=directory, **kwargs)
        self.site = site
        self.contracts = {c.ref: c for c in site.contracts.all()}
        self.fields["party"] = forms.ChoiceField(
            label=_("billed by"), choices=site_party_choices(site, directory)
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
        yen.validators.append(MinValueValidator(-YEN_MAX))  # a discount (bound_yen)
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
            holder = self.directory.get(contract.party)
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


# A lamp's short name as printed on the drawing of an ONU's front.
LAMP_SHORT = {
    "power": _("power"),
    "optical": _("optical"),
    "auth": _("auth"),
    "uni": "UNI",
    "ppp": "PPP",
}


@dataclass(frozen=True, slots=True)
class OnuLampDrawing:
    """One lamp on the drawing of an ONU: where, its name, its state as entered ("" not
    known) and that state in words."""

    x: int
    name: str
    state: str
    word: str


def lamp_choices() -> list[tuple[str, str]]:
    """A lamp's readings in words (点灯 / 消灯 / 点滅 / 赤), and "I don't know" (no reading)."""
    return [
        *[(lamp.value, label(engine_lang(), lamp.value)) for lamp in Lamp],
        ("", str(_("don't know"))),
    ]


class TroubleForm(BoundedForm, forms.Form):
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
            self.fields["ceased"] = forms.MultipleChoiceField(
                label=_("Which companies went bankrupt or closed?"),
                help_text=_(
                    "Tick a company that has gone bankrupt or stopped its business: the page "
                    "then says what a fee paid in advance means and where to turn."
                ),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=self.holders,
            )
            self.fields["ceased_shown"] = forms.BooleanField(
                required=False, initial=True, widget=forms.HiddenInput
            )

    def onu_lamps(self) -> list[OnuLampDrawing]:
        """Each lamp on the drawing of an ONU's front, left to right, as entered: the
        drawing must agree with the readings beside it (a red lamp drawn red, an unread
        one drawn as not known), never five green lamps whatever was entered."""
        drawings = []
        for i, lamp in enumerate(OnuLamps.model_fields):
            state = str(self[lamp].value() or "")
            word = label(engine_lang(), state) if state else str(_("don't know"))
            drawings.append(OnuLampDrawing(40 + 60 * i, str(LAMP_SHORT[lamp]), state, word))
        return drawings

    def lamp_fields(self) -> list[forms.BoundField]:
        return [self[lamp] for lamp in OnuLamps.model_fields]

    def lamps(self) -> dict[str, str]:
        """The readings this post sets ("" clears one); a lamp it does not name stays."""
        named = [lamp for lamp in OnuLamps.model_fields if lamp in self.data]
        return {lamp: self.cleaned_data[lamp] for lamp in named}

    def ticked_ceased(self) -> list[str] | None:
        """The companies ticked as bankrupt or closed, or None when the post did not show
        the question."""
        if not self.cleaned_data.get("ceased_shown"):
            return None
        return list(self.cleaned_data.get("ceased") or [])

    def ticked_no_contract(self) -> list[str] | None:
        """The companies ticked, or None when the post did not show the question."""
        if not self.cleaned_data.get("said_no_contract_shown"):
            return None
        return list(self.cleaned_data.get("said_no_contract") or [])


# --- forms for people: pickers, labels and help instead of slugs, codes and JSON ----------


def option_choices() -> list[tuple[str, str]]:
    """The NTT options of the shipped catalog by their names (フレッツ・ウイルスクリア)."""
    lang = engine_lang()
    options = sorted(load_catalog().options.values(), key=lambda o: o.name)
    return [("", "—")] + [(o.slug, o.name_en if lang == "en" else o.name) for o in options]


class PickedChoiceField(forms.ChoiceField):
    """A picker's field whose value the form's own rules check (an unknown party or option
    is named in the words the API uses too), not Django's "not one of the choices"."""

    def valid_value(self, value: Any) -> bool:
        return True


def holder_field(
    directory: Mapping[str, engine.Party],
    *,
    region: str | None,
    label_text: Any,
    first: list[tuple[str, Any]] | None = None,
    required: bool = True,
    help_text: Any = "",
) -> forms.ChoiceField:
    """A party picker over `directory` (public desks left out: they hold no contract)."""
    kinds = [k for k in PartyKind if k != PartyKind.PUBLIC]
    choices, names = party_choices(
        directory, lang=engine_lang(), region=region, kinds=kinds, first=first
    )
    always = [value for value, _text in first or []]
    return PickedChoiceField(
        label=label_text,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=PartyPicker(names=names, always=always),
    )


# The ID rows' kinds: the kinds of IDs (sites.id_kinds, the words pages show them by), and
# "other", which stores the name the person typed as the key.
OTHER_ID_KIND = "other"
ID_ROW_KINDS = {**ID_KINDS, OTHER_ID_KIND: _("Other (write its name)")}
ID_ROWS_MIN = 3  # empty rows offered on a new contract (one more than the filled ones after)

CONTRACT_HELP = {
    "acquired": _(
        "Conversion (転用): a FLET'S line of NTT moved to a collabo brand such as ドコモ光, "
        "keeping the customer ID and the phone number. Change of operator (事業者変更): from "
        "one collabo brand to another (or back to NTT's FLET'S), normally without works."
    ),
    "document_received": _(
        "The day the contract document arrived. Initial cancellation (初期契約解除, fiber and "
        "provider contracts): until the 8th day, counting that day as day 1, the contract "
        "can be cancelled in writing for any reason."
    ),
    "includes_isp": _("When the provider comes in one set with the line (e.g. ドコモ光)."),
    "option": _("For an NTT option such as フレッツ・ウイルスクリア."),
    "signed": _(
        "The day the contract was made (申込・契約日). A renewal or change keeps the first "
        "day. The cap on cancellation fees applies to contracts made from 1 July 2022."
    ),
    "cancellation_fee_yen": _(
        "The early-termination fee (解約金・違約金) the contract states or the company asks for."
    ),
}


class ContractPageForm(ContractForm):
    """The contract form of the web page: the holder and the option picked from lists, the
    IDs as kind/value rows (stored in the same `ids`), every choice in words."""

    def __init__(self, *args: Any, directory: Mapping[str, engine.Party], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, directory=directory, **kwargs)
        current = self.initial.get("party") or ""
        first = [("", "—")]
        if current and current not in directory:  # a holder no longer in the directory
            first.append((current, current))
        self.fields["party"] = holder_field(
            directory,
            region=self.site.region or None,
            label_text=_("Who holds this contract?"),
            first=first,
        )
        self.fields["option"] = PickedChoiceField(
            label=_("option"), choices=option_choices(), required=False
        )
        for name, text in CONTRACT_HELP.items():
            if name in self.fields:
                self.fields[name].help_text = text
        # The IDs come from the rows below (clean), never from a JSON text.
        self.fields["ids"] = forms.Field(required=False, widget=forms.HiddenInput)
        stored = dict(self.instance.ids or {}) if self.instance.pk else {}
        self.id_rows = max(ID_ROWS_MIN, len(stored) + 1)
        kinds = list(ID_ROW_KINDS.items())
        for i in range(self.id_rows):
            self.fields[f"id_kind_{i}"] = forms.ChoiceField(
                label=_("ID kind"), choices=kinds, required=False
            )
            self.fields[f"id_label_{i}"] = forms.CharField(
                label=_("name of the ID"), required=False, max_length=bounds.ID_LABEL
            )
            self.fields[f"id_value_{i}"] = forms.CharField(
                label=_("ID"), required=False, max_length=bounds.ID_VALUE
            )
        defaults = list(ID_KINDS)[:3]
        for i, (key, value) in enumerate(stored.items()):
            kind = key if key in ID_KINDS else OTHER_ID_KIND
            self.initial[f"id_kind_{i}"] = kind
            self.initial[f"id_label_{i}"] = "" if kind != OTHER_ID_KIND else key
            self.initial[f"id_value_{i}"] = value
        for i in range(len(stored), self.id_rows):
            self.initial.setdefault(f"id_kind_{i}", defaults[i % len(defaults)])

    def id_row_fields(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"id_kind_{i}"], self[f"id_label_{i}"], self[f"id_value_{i}"])
            for i in range(self.id_rows)
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("id_") and name != "ids"]

    def clean(self) -> dict[str, Any]:
        ids: dict[str, str] = {}
        for i in range(self.id_rows):
            value = (self.cleaned_data.get(f"id_value_{i}") or "").strip()
            if not value:
                continue
            kind = self.cleaned_data.get(f"id_kind_{i}") or OTHER_ID_KIND
            key = kind if kind != OTHER_ID_KIND else (self.cleaned_data.get(f"id_label_{i}") or "")
            key = key.strip()
            if not key:
                self.add_error(f"id_label_{i}", _("Write what this ID is called."))
                continue
            if key in ids:
                self.add_error(f"id_value_{i}", _("This kind of ID is already given above."))
                continue
            ids[key] = value
        self.cleaned_data["ids"] = ids
        return super().clean()


class EventPageForm(EventForm):
    """The event form of the web page: the party picked from a list, kinds in words."""

    def __init__(self, *args: Any, directory: Mapping[str, engine.Party], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, directory=directory, **kwargs)
        current = self.initial.get("party") or ""
        first = [("", "—")]
        if current and current not in directory:
            first.append((current, current))
        self.fields["party"] = holder_field(
            directory,
            region=self.site.region or None,
            label_text=_("party"),
            first=first,
            required=False,
        )


ID_HELP = _(
    "The customer ID (お客さまID) of a fiber line starts with CAF or L. Look for it on the "
    "papers from NTT or the fiber company (where it is printed differs by company)."
)


# --- a new site, step by step --------------------------------------------------------------

UNKNOWN = "_unknown"  # "I don't know who holds it" (never a slug: slugs have no "_")
NEW_PARTY = NEW_HOLDER  # the company added on the same page
# The services asked for in step 2, as a household names them; the name is also the ref
# of the contract made for it (a ref is the person's own name for a contract).
SERVICE_QUESTIONS = (
    (engine.Service.ACCESS, _("Internet line (インターネット回線)"), "インターネット回線"),
    (engine.Service.ISP, _("Provider (プロバイダ)"), "プロバイダ"),
    (engine.Service.PHONE, _("Hikari Denwa (ひかり電話)"), "ひかり電話"),
    (engine.Service.TV, _("TV (テレビ)"), "テレビ"),
    (engine.Service.MAIL, _("E-mail (メール)"), "メール"),
    (engine.Service.OPTION, _("Options (オプション)"), "オプション"),
    (engine.Service.EQUIPMENT, _("Router and equipment (機器)"), "機器"),
    (engine.Service.SUPPORT, _("Support (サポート)"), "サポート"),
)
BUILDINGS = [
    ("detached", _("House (戸建て)")),
    ("multi-unit", _("Apartment or office building (集合住宅)")),
    ("", _("Not sure")),
]
# An organization's own company: what it is, in words.
OWN_PARTY_KINDS = [
    (PartyKind.AGENT, _("Shop or reseller (販売店)")),
    (PartyKind.INSTALLER, _("Installer or our own desk (工事・サポート)")),
    (PartyKind.ISP, _("Internet provider (プロバイダ)")),
    (PartyKind.CATV, _("Cable TV (ケーブルテレビ)")),
]


def prefecture_in(address: str) -> str | None:
    """The prefecture an address starts with (東京都千代田区… → 東京都), if any."""
    catalog = load_catalog()
    text = address.strip()
    for size in (4, 3, 2):
        found = catalog.prefecture(text[:size])
        if found is not None and text.startswith(found.name[:size]):
            return found.name
    return None


class NewSiteForm(BoundedForm, forms.Form):
    """Step 1: the site's name, whose it is, where it is and what kind of building."""

    name = forms.CharField(
        label=_("Name of the place"),
        max_length=bounds.NAME,
        help_text=_("e.g. 自宅, 本社, 山田様邸"),
    )
    customer = forms.ChoiceField(label=_("Customer"), required=False)
    new_customer = forms.CharField(
        label=_("…or a new customer's name"), max_length=bounds.NAME, required=False
    )
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    address = forms.CharField(
        label=_("…or the address"),
        max_length=bounds.ADDRESS,
        required=False,
        help_text=_("Only the prefecture is read from it; the address is not kept."),
    )
    building = forms.ChoiceField(
        label=_("Building"), choices=BUILDINGS, required=False, widget=forms.RadioSelect
    )
    holder = forms.ChoiceField(
        label=_("Whose name are the contracts in?"),
        choices=[(h.value, h.value) for h in engine.Holder],
        initial=engine.Holder.PERSON.value,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A business's contracts are not covered by some consumer rules."),
    )

    def __init__(self, *args: Any, customers: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not customers:  # nothing to pick: the name is the only question
            self.fields["new_customer"].label = _("Customer's name")
        cast(forms.ChoiceField, self.fields["customer"]).choices = [
            ("", "—"),
            *[(str(pk), n) for pk, n in customers],
        ]
        cast(forms.ChoiceField, self.fields["holder"]).choices = _named(
            [(h.value, h.value) for h in engine.Holder]
        )
        names = load_catalog().prefecture_names()
        cast(forms.ChoiceField, self.fields["prefecture"]).choices = [
            ("", _("Choose…")),
            *[(n, n) for n in names],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("customer") and data.get("new_customer", "").strip():
            self.add_error("new_customer", _("Choose a customer or type a new name, not both."))
        if not data.get("prefecture"):
            address = data.get("address", "")
            found = prefecture_in(address) if address else None
            if found:
                data["prefecture"] = found
            elif address:
                self.add_error("address", _("Start the address with the prefecture, e.g. 東京都…"))
            else:
                self.add_error("prefecture", _("Choose the prefecture."))
        return data


class HoldersForm(BoundedForm, forms.Form):
    """Step 2: who holds each service ("I don't know" is an answer), and a company of the
    organization's own that may be added on the same page."""

    includes_isp = forms.BooleanField(
        label=_("The provider comes with the fiber line (光回線にプロバイダが含まれる)"),
        required=False,
        help_text=_("e.g. ドコモ光, ソフトバンク光, So-net 光 with the provider in the set."),
    )
    party_name = forms.CharField(label=_("Company name"), max_length=bounds.NAME, required=False)
    party_kind = forms.ChoiceField(
        label=_("What it is"), choices=OWN_PARTY_KINDS, initial=PartyKind.AGENT, required=False
    )
    party_phone = forms.CharField(
        label=_("Phone number"),
        max_length=bounds.PHONE,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Open on"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )
    opens = forms.TimeField(
        label=_("From"),
        required=False,
        initial="09:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closes = forms.TimeField(
        label=_("To"),
        required=False,
        initial="18:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    closed_on_holidays = forms.BooleanField(
        label=_("Closed on public holidays"), required=False, initial=True
    )
    closed_over_new_year = forms.BooleanField(
        label=_("Closed over the New Year (12/29–1/3)"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        directory: Mapping[str, engine.Party],
        region: str | None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.directory = directory
        first = [
            ("", _("None / not used")),
            (UNKNOWN, _("I don't know (わからない)")),
            (NEW_PARTY, _("The company added below")),
        ]
        for service, question, _ref in SERVICE_QUESTIONS:
            self.fields[service.value] = holder_field(
                directory, region=region, label_text=question, first=first, required=False
            )
        self.initial.setdefault(engine.Service.ACCESS.value, UNKNOWN)
        self.initial.setdefault(engine.Service.ISP.value, UNKNOWN)

    def service_fields(self) -> list[forms.BoundField]:
        return [self[service.value] for service, _question, _ref in SERVICE_QUESTIONS]

    def party_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("party_name", "party_kind", "party_phone")]

    def holders(self) -> dict[engine.Service, str]:
        """The holder picked per service: a slug, UNKNOWN or NEW_PARTY (none left out).
        With the provider in the line's set, the provider's own answer is not asked."""
        picked = {
            service: self.cleaned_data.get(service.value) or ""
            for service, _question, _ref in SERVICE_QUESTIONS
        }
        if self.cleaned_data.get("includes_isp"):
            picked.pop(engine.Service.ISP)
        return {service: holder for service, holder in picked.items() if holder}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for service, _question, _ref in SERVICE_QUESTIONS:
            value = data.get(service.value)
            if value and value not in (UNKNOWN, NEW_PARTY) and value not in self.directory:
                self.add_error(service.value, _("Choose a company from the list."))
        uses_new = any(data.get(s.value) == NEW_PARTY for s, _q, _r in SERVICE_QUESTIONS)
        if uses_new and not data.get("party_name", "").strip():
            self.add_error("party_name", _("Write the name of the company to add."))
        if data.get("days") and (not data.get("opens") or not data.get("closes")):
            self.add_error("opens", _("Give the opening and closing times."))
        line = data.get(engine.Service.ACCESS.value)
        if data.get("includes_isp") and line in ("", UNKNOWN):
            self.add_error("includes_isp", _("Choose the company of the fiber line first."))
        return data

    def new_party(self) -> dict[str, Any] | None:
        """The company to add, with its desk hours as opening_hours; None when none."""
        name = (self.cleaned_data.get("party_name") or "").strip()
        if not name:
            return None
        data = self.cleaned_data
        hours = ""
        if data.get("days") and data.get("opens") and data.get("closes"):
            hours = build_hours(
                data["days"],
                data["opens"],
                data["closes"],
                closed_on_holidays=bool(data.get("closed_on_holidays")),
                closed_over_new_year=bool(data.get("closed_over_new_year")),
            )
        return {
            "name": name,
            "kind": data.get("party_kind") or PartyKind.AGENT,
            "phone": (data.get("party_phone") or "").strip(),
            "hours": hours,
        }
