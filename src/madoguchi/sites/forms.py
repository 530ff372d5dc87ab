"""The forms of the pages under /sites/: a new site and its holders, what is wrong now, a
contract's and an event's page, and the upload of site files. The record forms they build on
(the engine's rules for a contract, an event, a bill line) are contracts.forms, shared with
the API and the intake of jobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

# What a PostgreSQL integer holds, and how many IDs a contract may carry (as the API).
from madoguchi.contracts.forms import (
    CONTRACT_HELP,
    ID_ROW_KINDS,
    ID_ROWS_MIN,
    OTHER_ID_KIND,
    ContractForm,
    EventForm,
    PickedChoiceField,
    holder_field,
    named,
    option_choices,
    party_label,
    prefecture_in,
)
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import (
    site_directory,
)
from madoguchi.contracts.services import NEW_HOLDER
from madoguchi.engine import bounds, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.hours import build_hours
from madoguchi.engine.limits import MAX_FILE_BYTES, MAX_UPLOAD_FILES
from madoguchi.engine.messages import label
from madoguchi.engine.model import Lamp, OnuLamps, PartyKind, Symptom
from madoguchi.server.bounds import BoundedForm
from madoguchi.server.choices import LAMP_NAMES, SYMPTOM_NAMES, WEEKDAYS
from madoguchi.server.i18n import engine_lang
from madoguchi.server.id_kinds import ID_KINDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    """Up to MAX_UPLOAD_FILES site files of at most MAX_FILE_BYTES each (engine.limits).

    `refused` names the files the upload handler stopped reading because they were too large
    (they are not in `files`); the form names them instead of saying "no file"."""

    def __init__(self, *args: Any, refused: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here, not declared on the class: there a field named `files` would read as
        # the form's own `files` (the request's uploads), which the form reads below.
        self.fields["files"] = MultipleFileField(
            label=_("site files (YAML)"), widget=MultipleFileInput(attrs={"accept": ".yaml,.yml"})
        )
        self.fields["keep_time"] = forms.BooleanField(
            label=_("Keep this file's time fixed"),
            required=False,
            help_text=_(
                "Leave this off: the site is then checked at the current time. Tick it only to "
                "see the site as it was at the file's “now:” (for testing or training)."
            ),
        )
        self.refused = refused or []

    def _too_large(self, name: str) -> str:
        return _("%(name)s is larger than %(size)s MB; a site file may hold at most that.") % {
            "name": name,
            "size": f"{MAX_FILE_BYTES / 1_000_000:g}",
        }

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.refused:
            if "files" in self.errors and not self.files.getlist("files"):
                del self.errors["files"]  # "required" would hide the real reason
            for name in self.refused:
                self.add_error("files", self._too_large(name))

    def clean_files(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data["files"]
        if len(uploads) + len(self.refused) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files at once; import the rest separately.")
                % {"count": MAX_UPLOAD_FILES}
            )
        too_large = [u.name for u in uploads if u.size is not None and u.size > MAX_FILE_BYTES]
        if too_large:
            raise forms.ValidationError([self._too_large(name) for name in too_large])
        return uploads


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

    def __init__(
        self,
        *args: Any,
        site: Site | None = None,
        directory: dict[str, engine.Party] | None = None,
        **kwargs: Any,
    ) -> None:
        """`directory`: the organization's parties (`parties_for`), when the caller has
        read them already; else they are read here."""
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
            directory = site_directory(site, directory)
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
        cast(forms.ChoiceField, self.fields["holder"]).choices = named(
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
