"""What a backend stores of a member's question key (`Asker`): never the key itself.

Each use stores its own hash of it, so that the uses cannot be matched with one another:
one for the answers awaiting the member's feedback, one per day for the count of
questions they queued. Every backend stores the same hashes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from storage.api.records import Asker


def feedback_key(asker: Asker) -> str:
    """Kept on an answered question until its "did this help?" is answered."""
    return _hashed(asker, "feedback")


def queued_count_key(asker: Asker, now: datetime) -> str:
    """Keys the count of the questions the member queued on `now`'s day (UTC)."""
    return _hashed(asker, utc_day(now))


def utc_day(now: datetime) -> str:
    return now.astimezone(UTC).date().isoformat()


def _hashed(asker: Asker, use: str) -> str:
    return hashlib.sha256(f"{asker}:{use}".encode()).hexdigest()[:32]
