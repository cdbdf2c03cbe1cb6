"""What the scheduler needs from a chat platform: somewhere to post a reply exactly once.

Each adapter (Discord, Slack, the terminal) provides an `Outlet`. `deliver` gets a marker that
is the same for every attempt at one slot: Discord sends it as the message nonce
(`enforce_nonce`), so a repeat within Discord's nonce window returns the message already made.
When `resuming` is set, both first read the channel's history since then and post only what is
missing: Slack finds its posts by the marker in their metadata (it has no idempotency key),
Discord by the bot's own messages that show a part's embeds (its nonces last minutes only)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.messages import Reply


class DeliveryRefused(Exception):
    """The platform refused the post and will again (no access, no such channel): not retried.
    The message is the one-line reason. `channel_gone`: the channel was deleted or archived, or
    the bot can no longer see it, so later posts will be refused too."""

    def __init__(self, reason: str, channel_gone: bool = False) -> None:
        super().__init__(reason)
        self.channel_gone = channel_gone


class DeliveryFailed(Exception):
    """The post failed this time (rate limited, a server error) and is worth another attempt.
    The message is the one-line reason, as the channel's admins see it."""


class Outlet(Protocol):
    async def ready(self) -> None:
        """Return once posts can be sent (the platform's login is done)."""

    async def deliver(self, channel: str, reply: Reply, marker: str, resuming: datetime | None) -> list[str]:
        """Post `reply` to `channel`; the platform's message ids. `resuming` is when an earlier
        attempt at the same marker began (it may have posted some or all of it)."""


def parts_done(sent: list, total: int) -> str:
    """For a refusal half-way through a post of several messages: how far it got ("" before
    the first), since the channel shows those parts while the record says "not posted"."""
    return f" (after {len(sent)} of {total} parts were posted)" if sent else ""
