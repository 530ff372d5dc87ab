"""The escalation ladder as progress: where the case stands on it, read from its timeline.

The engine gives the rungs (engine/escalation.py: the holder's desk, its complaint desk,
総務省 電気通信消費者相談センター, 消費者ホットライン 188, …); a refusal or a broken promise by
the party of a rung moves the case past that rung. Nothing is stored: the timeline is the
record, so a correction or a new entry gives the new position at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from madoguchi.cases.models import ESCALATING_OUTCOMES, EntryKind, TimelineEntry
from madoguchi.engine.escalation import HOTLINE, HOUTERASU, POLICE, SOUMU
from madoguchi.engine.results import Step

# Entries that are steps taken with a party (a note or a status change is not).
STEP_KINDS = frozenset(
    {
        EntryKind.CALL_OUT,
        EntryKind.CALL_IN,
        EntryKind.VISIT,
        EntryKind.LETTER,
        EntryKind.EMAIL,
        EntryKind.PROMISE,
    }
)


@dataclass(frozen=True)
class Ladder:
    rungs: list[Step]
    rung: int  # index of the rung the case is on now (0: the first desk)
    taken: list[TimelineEntry]  # steps taken with a party, oldest first
    moved_by: list[TimelineEntry]  # the refusals and broken promises that moved it

    @property
    def next(self) -> Step | None:
        """The desk to go to now, once the first has refused or broken a promise."""
        return self.rungs[self.rung] if self.rung and self.rung < len(self.rungs) else None

    @property
    def escalated(self) -> bool:
        return self.rung > 0


def ladder_progress(rungs: Sequence[Step], entries: Sequence[TimelineEntry]) -> Ladder:
    """Where the case is on the ladder: each refusal or broken promise by the party of the
    current rung (or of a later one) moves it one rung past that party's; one by a party
    already passed moves nothing, and the last rung is as far as it goes."""
    rungs = list(rungs)
    rung = 0
    taken: list[TimelineEntry] = []
    moved_by: list[TimelineEntry] = []
    for entry in sorted(entries, key=lambda e: (e.at, e.pk or 0)):
        if entry.kind not in STEP_KINDS or not entry.party:
            continue
        taken.append(entry)
        if entry.outcome not in ESCALATING_OUTCOMES or not rungs:
            continue
        at = next((i for i in range(rung, len(rungs)) if rungs[i].party == entry.party), None)
        if at is None:
            continue  # a rung already passed, or a party off the ladder: nothing moves
        rung = min(at + 1, len(rungs) - 1)
        moved_by.append(entry)
    return Ladder(rungs=rungs, rung=rung, taken=taken, moved_by=moved_by)


def what_to_say(step: Step, holder_name: str, *, broken: bool = True, refused: bool = True) -> str:
    """One line to open the call or the form of a rung with; it says a promise was broken
    or help refused only when the timeline records it."""
    if step.party == SOUMU:
        if broken and refused:
            said = _(
                "I reported an outage to %(holder)s; a promise was broken and they refused to "
                "escalate. Please advise me and pass this on to the company."
            )
        elif refused:
            said = _(
                "I reported an outage to %(holder)s and they refused to escalate. Please "
                "advise me and pass this on to the company."
            )
        elif broken:
            said = _(
                "I reported an outage to %(holder)s and a promise was broken. Please advise "
                "me and pass this on to the company."
            )
        else:
            said = _(
                "I reported an outage to %(holder)s and it is not resolved. Please advise me "
                "and pass this on to the company."
            )
        return said % {"holder": holder_name}
    if step.party == HOTLINE:
        return _(
            "A dispute with %(holder)s over an outage and what they owe me: please connect me "
            "to a consumer centre."
        ) % {"holder": holder_name}
    if step.party in (POLICE, HOUTERASU):
        return _("I may have been deceived by %(holder)s and want my money back.") % {
            "holder": holder_name
        }
    return _(
        "Your desk refused to act and would not pass me to a supervisor. Please take this "
        "as a complaint and answer in writing."
    )
