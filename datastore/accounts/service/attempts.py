"""Sign-in and password-check limits that stop guessing without letting anyone lock out
the owner (the OWASP authentication cheat sheet's per account-and-address lockout).

Three fixed windows, each taken atomically before the password is checked, so concurrent
guesses can never outrun the count:
- per client address: every attempt, whichever account (credential stuffing);
- per account and address: failures, reset by a success from that address, so one
  attacker's address is shut out quickly while the owner's address is not;
- per account: failures from every address, larger and slower, so a spread-out attack
  is bounded too and only one with many addresses can hold the owner up.
"""

from __future__ import annotations

from datastore.kit.ratelimit import Limit, RateLimiter
from datastore.kit.settings import Settings


class SignInAttempts:
    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        self.settings = settings

    async def reserve(self, account: str, address: str | None) -> None:
        """Take a slot for one attempt at `account` from `address`, or RATE_LIMITED."""
        settings = self.settings
        await self.limiter.reserve(
            Limit(
                f"signin:ip:{address}",
                settings.sign_in_limit_per_address,
                settings.sign_in_address_window_seconds,
                "sign-in attempts from this address",
            )
        )
        # One `{account}` hash tag: both keys in one Redis Cluster slot, for one script.
        await self.limiter.reserve(
            Limit(
                _account_and_address(account, address),
                settings.sign_in_limit_per_account_and_address,
                settings.sign_in_address_window_seconds,
                "failed sign-in attempts for this account from this address",
            ),
            Limit(
                _account(account),
                settings.sign_in_limit_per_account,
                settings.sign_in_window_seconds,
                "failed sign-in attempts for this account",
            ),
        )

    async def succeeded(self, account: str, address: str | None) -> None:
        """The attempt was right: forget this address's failures, give back the account slot."""
        await self.limiter.reset(_account_and_address(account, address))
        await self.limiter.release(_account(account))


class PasswordChecks:
    """Wrong current passwords of a signed-in account, counted like sign-in failures."""

    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        self.settings = settings

    async def reserve(self, account: str) -> None:
        """Take a slot for one check of `account`'s current password, or RATE_LIMITED."""
        await self.limiter.reserve(
            Limit(
                f"password:account:{account}",
                self.settings.sign_in_limit_per_account_and_address,
                self.settings.sign_in_address_window_seconds,
                "wrong current passwords",
            )
        )

    async def succeeded(self, account: str) -> None:
        """The current password was right: forget the wrong ones."""
        await self.limiter.reset(f"password:account:{account}")


def _account(account: str) -> str:
    return f"signin:{{{account}}}:account"


def _account_and_address(account: str, address: str | None) -> str:
    return f"signin:{{{account}}}:ip:{address}"
