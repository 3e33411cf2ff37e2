"""Account lifecycle mutations: deactivate and reactivate, delete and restore, email change."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from datastore.accounts.service.lifecycle import DEACTIVATED, PENDING_DELETION
from resolvers.accounts.inputs import (
    AccountPasswordInput,
    AccountReturnInput,
    RequestEmailChangeInput,
)
from resolvers.accounts.mutations import auth_payload
from resolvers.accounts.types import AuthPayload
from resolvers.core.context import Info
from resolvers.core.permissions import IsAuthenticated

_input = strawberry.argument(description="The values; see the input type.")


@strawberry.type(description="A scheduled account deletion.")
class AccountDeletionPayload:
    delete_after: datetime = strawberry.field(
        description="When everything of the account is erased; restoreAccount works until then."
    )


@strawberry.type(description="An email change waiting for its confirmation.")
class EmailChangePayload:
    new_email: str = strawberry.field(description="The address the token was sent to.")
    expires_at: datetime = strawberry.field(description="When the token stops working.")


@strawberry.type(description="A confirmed email change.")
class ConfirmEmailChangePayload:
    email: str = strawberry.field(description="The account's sign-in email now.")


async def _bring_back(info: Info, from_state: str, input: AccountReturnInput) -> AuthPayload:
    ctx = info.context
    signed_in = await ctx.services.accounts.bring_back(
        from_state,
        login=input.login,
        password=input.password,
        device_name=input.device_name,
        client=ctx.client,
    )
    return auth_payload(signed_in)


@strawberry.type
class AccountLifecycleMutations:
    @strawberry.mutation(
        description="Deactivate my account: every device is signed out, people search hides "
        "me and friends see me as DEACTIVATED until reactivateAccount. Wrong passwords are "
        "rate limited.",
        permission_classes=[IsAuthenticated],
    )
    async def deactivate_account(
        self, info: Info, input: Annotated[AccountPasswordInput, _input]
    ) -> bool:
        ctx = info.context
        await ctx.services.accounts.deactivate_account(
            ctx.require_principal(), input.password, ctx.client
        )
        return True

    @strawberry.mutation(
        description="Reactivate a deactivated account and sign this device in; rate limited "
        "like signIn."
    )
    async def reactivate_account(
        self, info: Info, input: Annotated[AccountReturnInput, _input]
    ) -> AuthPayload:
        return await _bring_back(info, DEACTIVATED, input)

    @strawberry.mutation(
        description="Delete my account: at once every device is signed out, sign-in is "
        "refused and people search hides me; after ACCOUNT_DELETION_GRACE_DAYS (restoreAccount "
        "until then) everything of it is erased from every store. Wrong passwords are rate "
        "limited.",
        permission_classes=[IsAuthenticated],
    )
    async def delete_account(
        self, info: Info, input: Annotated[AccountPasswordInput, _input]
    ) -> AccountDeletionPayload:
        ctx = info.context
        delete_after = await ctx.services.accounts.delete_account(
            ctx.require_principal(), input.password, ctx.client
        )
        return AccountDeletionPayload(delete_after=delete_after)

    @strawberry.mutation(
        description="Cancel my account's deletion within its grace period and sign this "
        "device in; rate limited like signIn."
    )
    async def restore_account(
        self, info: Info, input: Annotated[AccountReturnInput, _input]
    ) -> AuthPayload:
        return await _bring_back(info, PENDING_DELETION, input)

    @strawberry.mutation(
        description="Ask to sign in with another email: a confirmation token is mailed to "
        "the new address (confirmEmailChange); the email stays until then.",
        permission_classes=[IsAuthenticated],
    )
    async def request_email_change(
        self, info: Info, input: Annotated[RequestEmailChangeInput, _input]
    ) -> EmailChangePayload:
        ctx = info.context
        pending = await ctx.services.accounts.request_email_change(
            ctx.require_principal(),
            new_email=input.new_email,
            password=input.password,
            client=ctx.client,
        )
        return EmailChangePayload(new_email=pending.new_email, expires_at=pending.expires_at)

    @strawberry.mutation(
        description="Confirm an email change with the token mailed to the new address; "
        "the old address is told."
    )
    async def confirm_email_change(
        self,
        info: Info,
        token: Annotated[str, strawberry.argument(description="The token from the mail.")],
    ) -> ConfirmEmailChangePayload:
        ctx = info.context
        email = await ctx.services.accounts.confirm_email_change(token, ctx.client)
        return ConfirmEmailChangePayload(email=email)
