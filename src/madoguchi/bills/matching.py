"""Which party a statement line pays: by the names parties bill under (catalog
`billing_names`), never guessed. Plain Python, no Django."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from madoguchi.engine.catalog import normalize
from madoguchi.engine.model import Party

CACHE_MAX = 50_000


@dataclass(frozen=True)
class Match:
    """A payee's party; or, for a name several parties bill under and the organization has
    not yet answered, `shared` (that name) and its `candidates`; `party` "" with no `shared`
    means: not a telecom charge (answered so)."""

    party: str
    shared: str = ""
    candidates: tuple[str, ...] = ()


def payee_key(name: str) -> str:
    """A payee name as stored in an answer: folded like the party search (ＮＴＴ = NTT)."""
    return normalize(name)[:200]


class PayeeIndex:
    """Billing names → parties, with the organization's answers for shared names."""

    def __init__(self, parties: Iterable[Party], answers: Mapping[str, str]) -> None:
        names: dict[str, tuple[str, set[str]]] = {}
        for party in parties:
            for name in getattr(party, "billing_names", None) or ():
                key = payee_key(name)
                if key:
                    names.setdefault(key, (name, set()))[1].add(party.slug)
        # Longest first: a line naming NTT東日本 and NTTファイナンス is NTT東日本's.
        self._names = sorted(
            ((k, shown, frozenset(slugs)) for k, (shown, slugs) in names.items()),
            key=lambda n: -len(n[0]),
        )
        self._answers = dict(answers)
        self._cache: dict[str, Match | None] = {}

    def shared_names(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Every name several parties bill under: key → (name as written, party slugs)."""
        return {k: (shown, tuple(sorted(s))) for k, shown, s in self._names if len(s) > 1}

    def match(self, payee: str) -> Match | None:
        """The party `payee` names, a shared name still to answer, or None (not telecom)."""
        if payee in self._cache:
            return self._cache[payee]
        if len(self._cache) >= CACHE_MAX:
            self._cache.clear()
        found = self._match(payee)
        self._cache[payee] = found
        return found

    def _match(self, payee: str) -> Match | None:
        text = payee_key(payee)
        if not text:
            return None
        hits = [(k, shown, slugs) for k, shown, slugs in self._names if k in text]
        if not hits:
            return None
        common = frozenset.intersection(*(slugs for _, _, slugs in hits))
        if len(common) == 1:
            return Match(party=next(iter(common)))
        key, shown, slugs = hits[0] if not common else next(h for h in hits if len(h[2]) > 1)
        if key in self._answers:
            return Match(party=self._answers[key])
        return Match(party="", shared=shown, candidates=tuple(sorted(common or slugs)))
