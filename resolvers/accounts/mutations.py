"""Account mutations."""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry
from strawberry import relay

from datastore.accounts.service import SignedIn
from datastore.accounts.service.profile import ProfileChanges
from resolvers.accounts.inputs import (
    ChangePasswordInput,
    SignInInput,
    SignUpInput,
    UpdateProfileInput,
)
from resolvers.accounts.types import AuthPayload, PresenceStatus, Session, User
from resolvers.core.context import Info
from resolvers.core.ids import argument_key
from resolvers.core.permissions import IsAuthenticated

_input = strawberry.argument(description="The values; see the input type.")


def auth_payload(signed_in: SignedIn) -> AuthPayload:
    return AuthPayload(
        token=signed_in.token,
        user=User.from_row(signed_in.user),
        session=Session.from_item(signed_in.session, current_id=signed_in.session.id),
    )


@strawberry.type(description="The result of a password change.")
class ChangePasswordPayload:
    ended_sessions: int = strawberry.field(description="How many other devices were signed out.")


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        description="Create an account and sign this device in. Rate limited per client address."
    )
    async def sign_up(self, info: Info, input: Annotated[SignUpInput, _input]) -> AuthPayload:
        ctx = info.context
        return auth_payload(
            await ctx.services.accounts.sign_up(
                email=input.email,
                username=input.username,
                password=input.password,
                display_name=input.display_name,
                device_name=input.device_name,
                client=ctx.client,
            )
        )

    @strawberry.mutation(
        description="Sign in with email or username. Failures are rate "
        "limited per account and per client address (RATE_LIMITED, retryAfter)."
    )
    async def sign_in(self, info: Info, input: Annotated[SignInInput, _input]) -> AuthPayload:
        ctx = info.context
        return auth_payload(
            await ctx.services.accounts.sign_in(
                login=input.login,
                password=input.password,
                device_name=input.device_name,
                client=ctx.client,
            )
        )

    @strawberry.mutation(
        description="End this device's session.", permission_classes=[IsAuthenticated]
    )
    async def sign_out(self, info: Info) -> bool:
        ctx = info.context
        await ctx.services.accounts.sign_out(ctx.require_principal(), ctx.client)
        return True

    @strawberry.mutation(
        description="Sign out one of my devices; its live subscriptions close.",
        permission_classes=[IsAuthenticated],
    )
    async def revoke_session(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The session's global id.")],
    ) -> bool:
        ctx = info.context
        session_id = argument_key(id, "Session", field="id", parse=str)
        await ctx.services.accounts.revoke_session(ctx.require_principal(), session_id, ctx.client)
        return True

    @strawberry.mutation(
        description="Change my password; every other device is signed out.",
        permission_classes=[IsAuthenticated],
    )
    async def change_password(
        self, info: Info, input: Annotated[ChangePasswordInput, _input]
    ) -> ChangePasswordPayload:
        ctx = info.context
        ended = await ctx.services.accounts.change_password(
            ctx.require_principal(),
            current=input.current_password,
            new=input.new_password,
            client=ctx.client,
        )
        return ChangePasswordPayload(ended_sessions=ended)

    @strawberry.mutation(
        description="Change my display name, first and last name, avatar, profile JSON or "
        "time zone.",
        permission_classes=[IsAuthenticated],
    )
    async def update_profile(
        self, info: Info, input: Annotated[UpdateProfileInput, _input]
    ) -> User:
        given = frozenset(
            name
            for name in (
                "display_name",
                "first_name",
                "last_name",
                "avatar_url",
                "profile",
                "time_zone",
            )
            if getattr(input, name) is not strawberry.UNSET
        )
        changes = ProfileChanges(
            display_name=input.display_name or None if "display_name" in given else None,
            first_name=input.first_name if "first_name" in given else None,
            last_name=input.last_name if "last_name" in given else None,
            avatar_url=input.avatar_url if "avatar_url" in given else None,
            # JSON is any value; the profile validator refuses what is not an object.
            profile=cast("dict[str, Any] | None", input.profile) if "profile" in given else None,
            time_zone=input.time_zone if "time_zone" in given else None,
            given=given,
        )
        ctx = info.context
        return User.from_row(
            await ctx.services.accounts.update_profile(ctx.require_principal(), changes)
        )

    @strawberry.mutation(
        description="Set my presence status; lastSeen becomes now.",
        permission_classes=[IsAuthenticated],
    )
    async def update_presence(
        self,
        info: Info,
        status: Annotated[PresenceStatus, strawberry.argument(description="The new status.")],
    ) -> User:
        ctx = info.context
        return User.from_row(
            await ctx.services.accounts.update_presence(ctx.require_principal(), status.value)
        )
