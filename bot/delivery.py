"""What the scheduler needs from a chat platform: somewhere to post a reply exactly once.

Each adapter (Discord, Slack, the terminal) provides an `Outlet`. `deliver` gets a marker that
is the same for every attempt at one slot: Discord sends it as the message nonce
(`enforce_nonce`), so a repeat within Discord's nonce window returns the message already made;
Slack has no idempotency key, so when `resuming` is set it first reads the channel history
since then for posts carrying the marker in their metadata, and posts only what is missing."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.messages import Reply


class DeliveryRefused(Exception):
    """The platform refused the post and will again (no access, no such channel): not retried.
    The message is the one-line reason."""


class Outlet(Protocol):
    async def ready(self) -> None:
        """Return once posts can be sent (the platform's login is done)."""

    async def deliver(self, channel: str, reply: Reply, marker: str, resuming: datetime | None) -> list[str]:
        """Post `reply` to `channel`; the platform's message ids. `resuming` is when an earlier
        attempt at the same marker began (it may have posted some or all of it)."""
