"""The request form: the same for the public intake page and for staff, so that both ask for
everything the shop needs and refuse an incomplete request field by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.contracts.forms import ID_KINDS, holder_field, prefecture_in
from madoguchi.engine import bounds
from madoguchi.engine import model as engine
from madoguchi.server.bounds import BoundedForm

COURSES = [
    (engine.Building.DETACHED.value, _("House course (戸建て)")),
    (engine.Building.MULTI_UNIT.value, _("Apartment course (マンション)")),
]
BUILDINGS = [
    (engine.Building.DETACHED.value, _("A house (戸建て)")),
    (engine.Building.MULTI_UNIT.value, _("An apartment or office building (集合住宅)")),
]
# The holder questions: the line and the provider must be answered; the rest may be "none".
HOLDER_QUESTIONS = (
    (engine.Service.ACCESS, _("Who holds the line (回線)?"), True),
    (engine.Service.ISP, _("Who is the provider (プロバイダ)?"), True),
    (engine.Service.PHONE, _("Who holds Hikari Denwa (ひかり電話)?"), False),
    (engine.Service.TV, _("Who holds the TV service (テレビ)?"), False),
)
ID_ROWS = 3
# Groups of the form as the page shows them, each a heading and its fields.
SECTIONS = (
    (_("The job"), ("job",)),
    (
        _("The customer, as written on the contract"),
        ("customer_name", "customer_address", "customer_phone"),
    ),
    (_("The line and the course sold"), ("line_product", "course", "building")),
    (_("Who holds each service"), ("access", "includes_isp", "isp", "phone", "tv")),
    (_("What was promised to the customer"), ("promised",)),
    (
        _("Your company and you"),
        ("agent_name", "agent_address", "agent_phone", "agent_fax", "agent_email", "caller_name"),
    ),
    (_("Payment for the job"), ("payer", "amount_yen", "pay_by")),
)


def _tel() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})


class RequestForm(BoundedForm, forms.Form):
    job = forms.CharField(
        label=_("What should we do?"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. settings after the line is opened, a new router, e-mail settings"),
    )
    customer_name = forms.CharField(label=_("Customer's name"), max_length=bounds.NAME)
    customer_address = forms.CharField(
        label=_("Customer's address"),
        max_length=bounds.ADDRESS,
        help_text=_(
            "As on the contract, from the prefecture: 東京都新宿区西新宿2-8-1 ○○マンション101"
        ),
    )
    customer_phone = forms.CharField(
        label=_("Customer's phone (if you have it)"),
        max_length=bounds.PHONE,
        required=False,
        widget=_tel(),
    )
    line_product = forms.CharField(
        label=_("Line type and plan"),
        max_length=bounds.NAME,
        help_text=_("As sold: e.g. ドコモ光 1ギガ タイプA, フレッツ光ネクスト マンション"),
    )
    course = forms.ChoiceField(label=_("Course sold"), choices=COURSES, widget=forms.RadioSelect)
    building = forms.ChoiceField(
        label=_("The building actually there"), choices=BUILDINGS, widget=forms.RadioSelect
    )
    includes_isp = forms.BooleanField(
        label=_("The line comes with a provider in one set (e.g. ドコモ光 with its provider)"),
        required=False,
    )
    promised = forms.CharField(
        label=_("What was promised to the customer"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Price, discounts, cashback, who pays the works and the visit, by when."),
    )
    agent_name = forms.CharField(label=_("Your company's name"), max_length=bounds.NAME)
    agent_address = forms.CharField(
        label=_("Your company's address"),
        max_length=bounds.ADDRESS,
        help_text=_("Including the building."),
    )
    agent_phone = forms.CharField(
        label=_("Your company's phone"), max_length=bounds.PHONE, widget=_tel()
    )
    agent_fax = forms.CharField(
        label=_("FAX (if any)"), max_length=bounds.PHONE, required=False, widget=_tel()
    )
    agent_email = forms.EmailField(label=_("E-mail (if any)"), required=False)
    caller_name = forms.CharField(
        label=_("Your full name"),
        max_length=bounds.PERSON,
        help_text=_("Family and given name (e.g. 山田 太郎): the person we call back."),
    )
    payer = forms.CharField(
        label=_("Who pays us"),
        max_length=bounds.NAME,
        help_text=_("The company that pays the job (usually yours)."),
    )
    amount_yen = forms.IntegerField(
        label=_("Amount (yen, tax included)"),
        min_value=0,
        max_value=bounds.YEN_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pay_by = forms.DateField(
        label=_("Paid by (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        directory: Mapping[str, engine.Party],
        id_rows: int = ID_ROWS,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.directory = directory
        self.id_rows = max(id_rows, ID_ROWS)
        for service, question, required in HOLDER_QUESTIONS:
            first = [("", "—")] if required else [("", _("None / not used"))]
            self.fields[service.value] = holder_field(
                directory, region=None, label_text=question, first=first, required=False
            )
        self.fields[engine.Service.ISP.value].help_text = _(
            "With the provider in the line's set, leave this blank or choose the same company."
        )
        kinds = list(ID_KINDS.items())
        defaults = ["customer_id", "isp_user_id", "phone_number"]
        for i in range(self.id_rows):
            self.fields[f"id_kind_{i}"] = forms.ChoiceField(
                label=_("ID kind"),
                choices=kinds,
                required=False,
                initial=defaults[i % len(defaults)],
            )
            self.fields[f"id_label_{i}"] = forms.CharField(
                label=_("name of the ID"), required=False, max_length=bounds.ID_LABEL
            )
            self.fields[f"id_value_{i}"] = forms.CharField(
                label=_("ID"), required=False, max_length=bounds.ID_VALUE
            )
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _(
                    "Answer this: the job cannot be taken without it."
                )
        # Order: the sections' fields, then the ID rows.
        ordered = [name for _title, names in SECTIONS for name in names]
        self.order_fields(ordered)

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def id_row_fields(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"id_kind_{i}"], self[f"id_label_{i}"], self[f"id_value_{i}"])
            for i in range(self.id_rows)
        ]

    def clean_customer_address(self) -> str:
        address = self.cleaned_data["customer_address"].strip()
        if not prefecture_in(address):
            raise forms.ValidationError(_("Start the address with the prefecture, e.g. 東京都…"))
        return address

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for service, _question, required in HOLDER_QUESTIONS:
            value = data.get(service.value) or ""
            if value and value not in self.directory:
                self.add_error(service.value, _("Choose a company from the list."))
            elif not value and required:
                if service == engine.Service.ISP and data.get("includes_isp"):
                    continue
                self.add_error(service.value, _("Choose the company."))
        ids: dict[str, str] = {}
        for i in range(self.id_rows):
            value = (data.get(f"id_value_{i}") or "").strip()
            if not value:
                continue
            kind = data.get(f"id_kind_{i}") or "other"
            key = (kind if kind != "other" else (data.get(f"id_label_{i}") or "")).strip()
            if not key:
                self.add_error(f"id_label_{i}", _("Write what this ID is called."))
            elif key in ids:
                self.add_error(f"id_value_{i}", _("This kind of ID is already given above."))
            else:
                ids[key] = value
        if not ids and not self.has_error("id_value_0"):
            self.add_error("id_value_0", _("Give at least one ID (お客さまID, CAF番号…)."))
        data["ids"] = ids
        return data

    def values(self) -> dict[str, Any]:
        """What `services.receive_request` takes."""
        data = self.cleaned_data
        holders = {
            service.value: data.get(service.value) or "" for service, _q, _r in HOLDER_QUESTIONS
        }
        names = [name for _title, fields in SECTIONS for name in fields]
        values = {name: data.get(name) for name in names if name not in holders}
        for name in ("customer_phone", "agent_fax", "agent_email"):
            values[name] = (values.get(name) or "").strip()
        return {**values, "holders": holders, "ids": data["ids"]}


class DeclineForm(BoundedForm, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=_("Why is it declined?"),
        max_length=bounds.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IntakeLinkForm(BoundedForm, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    name = forms.CharField(
        label=_("Name of the link"),
        max_length=bounds.LABEL,
        help_text=_("For whom, e.g. the agent's name: a link can be revoked on its own."),
    )


def form_data(values: Mapping[str, Any]) -> dict[str, str]:
    """A request's values (as `RequestForm.values` gives them) as the form posts them, so
    that the API and the CLI are checked by the very rules of the pages."""
    data: dict[str, str] = {}
    for name, value in values.items():
        if name in ("holders", "ids") or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for service, slug in (values.get("holders") or {}).items():
        data[str(service)] = str(slug or "")
    for i, (key, value) in enumerate((values.get("ids") or {}).items()):
        known = key in ID_KINDS and key != "other"
        data[f"id_kind_{i}"] = key if known else "other"
        data[f"id_label_{i}"] = "" if known else key
        data[f"id_value_{i}"] = str(value)
    return data
