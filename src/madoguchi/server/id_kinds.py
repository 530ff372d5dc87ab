"""The kinds of IDs a contract carries (the keys of its `ids`), named once: the contract form
offers them as its ID rows' choices, and every page names a stored ID by them (the `id_name`
template filter), so a person reads the same words where they type an ID and where it is
shown back. The prefixes are DOMAIN-FACTS 1.5: NTT West's お客さまID starts with CAF or L
(a "COP" prefix was never found)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ID_KINDS: dict[str, Promise] = {
    "customer_id": _("Customer ID (お客さまID: CAF… or L…)"),
    "phone_number": _("Hikari Denwa phone number"),
    "isp_user_id": _("Provider user ID"),
    "contract_number": _("Contract number"),
    "consent_number": _("Consent number (転用 or 事業者変更)"),
}
# Keys that older site files wrote for one of the kinds above.
SAME_KIND = {"user_id": "isp_user_id"}


def id_kind_name(key: str) -> str | None:
    """The words for a stored ID's key in the current language; None for a key of no known
    kind (the form's "other" row stores the name the person typed as the key)."""
    name = ID_KINDS.get(SAME_KIND.get(key, key))
    return None if name is None else str(name)
