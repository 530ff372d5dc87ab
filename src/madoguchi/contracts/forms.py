"""Forms for the web pages. Choices come from the engine's enums, so a form can only hold
values the engine understands; party slugs are checked against the organization's directory."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

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
from madoguchi.directory.pickers import PartyPicker, party_choices
from madoguchi.engine import bounds, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.messages import LABELS as ENGINE_LABELS
from madoguchi.engine.messages import label
from madoguchi.engine.model import TOKYO, PartyKind, Service
from madoguchi.engine.sitefile import contract_problems
from madoguchi.server.bounds import BoundedForm
from madoguchi.server.choices import named_choices
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
    (the rules that span records run when it is saved, contracts.integrity)."""

    kind: ClassVar[RowKind]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name != "contract":
                field.choices = named(field.choices, event=self.kind is EVENTS)
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


def named(choices: Any, *, event: bool = False) -> list[tuple[Any, str]]:
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


def prefecture_in(address: str) -> str | None:
    """The prefecture an address starts with (東京都千代田区… → 東京都), if any."""
    catalog = load_catalog()
    text = address.strip()
    for size in (4, 3, 2):
        found = catalog.prefecture(text[:size])
        if found is not None and text.startswith(found.name[:size]):
            return found.name
    return None
