"""Inputs of account mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON


@strawberry.input(description="A new account.")
class SignUpInput:
    email: str = strawberry.field(description="A valid email, unique ignoring case.")
    username: str = strawberry.field(
        description="3-32 letters, digits, '_' or '.', starting with a letter or digit."
    )
    password: str = strawberry.field(description="8 to 256 characters.")
    display_name: str | None = strawberry.field(default=None, description="Name shown to others.")
    device_name: str | None = strawberry.field(
        default=None, description="Name of this device, shown in `sessions`."
    )


@strawberry.input(description="Credentials to sign in with.")
class SignInInput:
    login: str = strawberry.field(description="Email or username, any case.")
    password: str = strawberry.field(description="The account's password.")
    device_name: str | None = strawberry.field(
        default=None, description="Name of this device, shown in `sessions`."
    )


@strawberry.input(description="Profile changes; omitted fields stay, null clears.")
class UpdateProfileInput:
    display_name: str | None = strawberry.field(default=strawberry.UNSET, description="Name.")
    first_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Given name, at most 100 characters."
    )
    last_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Family name, at most 100 characters."
    )
    avatar_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="http(s) URL of the avatar."
    )
    profile: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the profile JSON object (16 KB max)."
    )
    time_zone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description='My IANA time zone (Europe/Paris): my "today" for streaks and insights.',
    )


@strawberry.input(description="A password change; other sessions are signed out.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="8 to 256 characters.")


@strawberry.input(description="The password, to confirm a change to the whole account.")
class AccountPasswordInput:
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="Credentials of a deactivated or deleted account to bring back.")
class AccountReturnInput:
    login: str = strawberry.field(description="Email or username, any case.")
    password: str = strawberry.field(description="The account's password.")
    device_name: str | None = strawberry.field(
        default=None, description="Name of this device, shown in `sessions`."
    )


@strawberry.input(description="A new sign-in email, confirmed by a token mailed to it.")
class RequestEmailChangeInput:
    new_email: str = strawberry.field(description="The new address; no account may use it.")
    password: str = strawberry.field(description="The account's password.")
