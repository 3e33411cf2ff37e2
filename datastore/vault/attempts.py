"""Unlock limits: phrase guesses are bounded per tag, per account and per address.

They use their own Redis keys, never the sign-in ones, so someone guessing a phrase (with
a stolen device session, say) can lock the vault for a while but never the owner's account.
A slot is taken when an unlock starts (each start is one online guess: OPAQUE allows no
other), and the tag's and account's slots are given back when the unlock succeeds.
"""

from __future__ import annotations

import uuid

from datastore.kit.ratelimit import Limit, RateLimiter
from datastore.kit.settings import Settings


class UnlockAttempts:
    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        self.settings = settings

    async def reserve_caller(self, user_id: uuid.UUID, address: str | None) -> None:
        """A slot for one unlock attempt by this account from this address, or RATE_LIMITED."""
        vault = self.settings.vault
        await self.limiter.reserve(
            Limit(
                f"vault:ip:{address}",
                vault.unlock_limit_per_address,
                vault.unlock_window_seconds,
                "unlock attempts from this address",
            )
        )
        await self.limiter.reserve(
            Limit(
                _account(user_id),
                vault.unlock_limit_per_account,
                vault.unlock_window_seconds,
                "failed unlock attempts for this account",
            )
        )

    async def reserve_tag(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> None:
        vault = self.settings.vault
        await self.limiter.reserve(
            Limit(
                _tag(user_id, tag_id),
                vault.unlock_limit_per_tag,
                vault.unlock_window_seconds,
                "failed unlock attempts for this secret tag",
            )
        )

    async def succeeded(self, user_id: uuid.UUID, tag_id: uuid.UUID) -> None:
        """The phrase was right: forget the tag's failures, give back the account's slot."""
        await self.limiter.reset(_tag(user_id, tag_id))
        await self.limiter.release(_account(user_id))

    async def first_refusal(self, user_id: uuid.UUID, tag_id: uuid.UUID | None) -> bool:
        """Whether this refusal is the first of its window for the account (and tag)."""
        scope = f"{_account(user_id)}:refused:{tag_id or 'caller'}"
        return await self.limiter.first_in_window(
            scope, window=self.settings.vault.unlock_window_seconds
        )


# One `{user}` hash tag: an account's keys share a Redis Cluster slot.
def _account(user_id: uuid.UUID) -> str:
    return f"vault:{{{user_id}}}:account"


def _tag(user_id: uuid.UUID, tag_id: uuid.UUID) -> str:
    return f"vault:{{{user_id}}}:tag:{tag_id}"
