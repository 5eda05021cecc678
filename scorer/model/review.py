"""A supervisor's review of one item (人工复核): the human verdict kept beside the machine's.

Reviews are made in the workspace (``fzscore serve``) and carried by every export. A review
records the machine verdict the reviewer saw, so a later re-scoring that changes that verdict is
flagged rather than silently hidden behind the human one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scorer.model.vocab import Status

MAX_REASON_CHARS = 2000
MAX_REVIEWER_CHARS = 50


@dataclass(frozen=True, order=True)
class Review:
    """One item's review: ``status`` is the reviewer's verdict, ``machine_status`` the machine's then."""

    pack: str
    item: str
    machine_status: Status  # what the machine said when the reviewer decided
    status: Status  # what the reviewer decided
    reason: str  # required when the reviewer overrides the machine
    reviewer: str  # who (复核人)
    reviewed_at: datetime  # when, timezone-aware UTC

    @property
    def key(self) -> str:
        """"pack:item", the name the scorecard uses for the item."""
        return f"{self.pack}:{self.item}"

    @property
    def overrides(self) -> bool:
        """True when the reviewer changed the machine's verdict (False: confirmed)."""
        return self.status is not self.machine_status

    def machine_changed(self, current: Status) -> bool:
        """True when the machine now says something else than what the reviewer saw (re-scored)."""
        return current is not self.machine_status


def reviews_by_item(reviews: "tuple[Review, ...] | list[Review]") -> dict[str, Review]:
    """The latest review of each item ("pack:item" → Review); later entries win."""
    latest: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        latest[review.key] = review
    return latest
