"""Secret tags over OPAQUE: register, unlock, change the phrase, delete (crypto-shred).

The server only ever holds the OPAQUE record, a keyed hash of the client's phrase hash,
the data keys wrapped by the client and ciphertext. Unlocking proves the phrase without
sending it; the client then derives its key-encryption key from OPAQUE's export key.
Each step is recorded in the security audit log (datastore/vault/service/audit.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from datastore.journal.validation import color as check_color
from datastore.kit.crypto.opaque import OpaqueError, OpaqueServer
from datastore.kit.errors import BadUserInput, Conflict, Forbidden, NotFound, RateLimited
from datastore.security_audit.client import Client
from datastore.vault import validation as check
from datastore.vault.attempts import UnlockAttempts
from datastore.vault.repository import (
    OpaqueSessionRepository,
    SecretTagRepository,
    VaultEntryRepository,
    VaultKeyRepository,
    VaultSessionRepository,
)
from datastore.vault.service import steps
from datastore.vault.service.access import require_open
from datastore.vault.service.audit import Caller, VaultAudit
from datastore.vault.tables import SecretTag, VaultKey, VaultSession

if TYPE_CHECKING:
    from datastore.kit.clients import Clients

T = TypeVar("T")


@dataclass(frozen=True)
class Started:
    """A pending step's id and the OPAQUE message for the client."""

    id: uuid.UUID
    tag_id: uuid.UUID
    message: bytes


@dataclass(frozen=True)
class Unlocked:
    tag: SecretTag
    session: VaultSession
    keys: list[VaultKey]


@dataclass(frozen=True)
class Shredded:
    keys: int
    entries: int


class SecretTagService:
    def __init__(self, clients: Clients, opaque: OpaqueServer | None, audit: VaultAudit) -> None:
        self.db = clients.db
        self.audit = audit
        self.settings = clients.settings
        self._opaque = opaque
        self.attempts = UnlockAttempts(clients.limiter, clients.settings)

    @property
    def opaque(self) -> OpaqueServer:
        if self._opaque is None:
            raise Forbidden("Secret tags are not enabled on this server (VAULT_SERVER_SETUP).")
        return self._opaque

    # ------------------------------------------------------------------ reads

    async def list_tags(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> list[SecretTag]:
        async with self.db() as session:
            return await SecretTagRepository(session).page(user_id, limit=limit, after=after)

    # ------------------------------------------------------------------ registration

    async def register_start(
        self, user_id: uuid.UUID, device: str, *, request: str, lookup: str | None
    ) -> Started:
        opaque = self.opaque
        raw = check.opaque_message(request, field="registrationRequest")
        lookup_hash = self._lookup(lookup)
        tag_id = uuid.uuid4()
        message = _opaque(
            lambda: opaque.registration_response(raw, steps.credential_id(tag_id)),
            field="registrationRequest",
        )
        async with self.db() as session, session.begin():
            tags = SecretTagRepository(session)
            if await tags.count(user_id) >= self.settings.vault.max_tags:
                raise Conflict(f"At most {self.settings.vault.max_tags} secret tags.")
            await _refuse_taken_lookup(session, user_id, lookup_hash)
            step_id = await self._phrase_step(
                session, steps.REGISTER, user_id, device, tag_id, lookup_hash
            )
        return Started(step_id, tag_id, message)

    async def _phrase_step(
        self,
        session: AsyncSession,
        kind: str,
        user_id: uuid.UUID,
        device: str,
        tag_id: uuid.UUID,
        lookup_hash: bytes | None,
    ) -> uuid.UUID:
        """The pending step of a (re-)registration, finished by the client's record."""
        return await steps.start(
            session,
            self.opaque,
            kind=kind,
            user_id=user_id,
            device=device,
            tag_id=tag_id,
            values={"lookup": lookup_hash},
            minutes=self.settings.vault.opaque_session_minutes,
        )

    async def register_finish(
        self,
        user_id: uuid.UUID,
        device: str,
        *,
        registration_id: uuid.UUID,
        record: str,
        wrapped_key: str,
        name: str,
        color: str,
        client: Client,
    ) -> Unlocked:
        """Create the tag with data key version 1 and open its vault on this device."""
        opaque = self.opaque
        upload = check.opaque_message(record, field="registrationRecord")
        wrapped = check.wrapped_key(wrapped_key)
        name, color = check.name(name), check_color(color)
        step = await steps.finish(
            self.db, opaque, registration_id, kind=steps.REGISTER, user_id=user_id, device=device
        )
        password_file = _opaque(
            lambda: opaque.registration_record(upload), field="registrationRecord"
        )
        values = {
            "id": step.tag_id,
            "name": name,
            "color": color,
            "opaque_record": password_file,
            "lookup_hash": step.values.get("lookup"),
        }
        try:
            async with self.db() as session, session.begin():
                tags = SecretTagRepository(session)
                if await tags.count(user_id) >= self.settings.vault.max_tags:
                    raise Conflict(f"At most {self.settings.vault.max_tags} secret tags.")
                tag = await tags.create(user_id, values)
                await VaultKeyRepository(session).add(tag.id, 1, wrapped)
                vault = await self._open(session, user_id, device, tag.id)
                keys = await VaultKeyRepository(session).list_for_tag(tag.id)
                await self.audit.registered(session, Caller(user_id, device, client), tag.id)
        except IntegrityError:
            raise BadUserInput("Another secret tag has this phrase.", field="lookupHash") from None
        return Unlocked(tag, vault, keys)

    # ------------------------------------------------------------------ unlock

    async def unlock_start(
        self,
        user_id: uuid.UUID,
        device: str,
        client: Client,
        *,
        tag_id: uuid.UUID | None,
        lookup: str | None,
        request: str,
    ) -> Started:
        """Begin proving the phrase of a tag, named by id or found by the phrase's hash."""
        opaque = self.opaque
        if (tag_id is None) == (lookup is None):
            raise BadUserInput("Give either secretTagId or lookupHash.", field="secretTagId")
        raw = check.opaque_message(request, field="startLoginRequest")
        lookup_hash = self._lookup(lookup)
        # Counted before the tag is looked up: a lookup by hash is a guess as well.
        caller = Caller(user_id, device, client)
        await self._limited(caller, None, self.attempts.reserve_caller(user_id, client.ip))
        async with self.db() as session:
            tags = SecretTagRepository(session)
            if tag_id is not None:
                tag = await tags.get(user_id, tag_id)
            else:
                assert lookup_hash is not None
                tag = await tags.get_by_lookup(user_id, lookup_hash)
        if tag is None:
            await self.audit.unlock_failed(caller, None, "UNKNOWN_TAG")
            raise NotFound("No such secret tag.")
        await self._limited(caller, tag.id, self.attempts.reserve_tag(user_id, tag.id))
        message, state = _opaque(
            lambda: opaque.login_start(tag.opaque_record, raw, steps.credential_id(tag.id)),
            field="startLoginRequest",
        )
        async with self.db() as session, session.begin():
            step_id = await steps.start(
                session,
                opaque,
                kind=steps.LOGIN,
                user_id=user_id,
                device=device,
                tag_id=tag.id,
                values={"state": state},
                minutes=self.settings.vault.opaque_session_minutes,
            )
        return Started(step_id, tag.id, message)

    async def unlock_finish(
        self,
        user_id: uuid.UUID,
        device: str,
        *,
        login_id: uuid.UUID,
        finalization: str,
        client: Client,
    ) -> Unlocked:
        """Check the client's proof; open a vault session and hand over every wrapped key."""
        opaque = self.opaque
        raw = check.opaque_message(finalization, field="finishLoginRequest")
        step = await steps.finish(
            self.db, opaque, login_id, kind=steps.LOGIN, user_id=user_id, device=device
        )
        state = step.values["state"]
        assert state is not None
        caller = Caller(user_id, device, client)
        try:
            opaque.login_finish(state, raw)
        except OpaqueError:
            await self.audit.unlock_failed(caller, step.tag_id, "WRONG_PHRASE")
            raise BadUserInput(
                "Wrong phrase, or not this unlock's message.", field="finishLoginRequest"
            ) from None
        await self.attempts.succeeded(user_id, step.tag_id)
        async with self.db() as session, session.begin():
            tag = await SecretTagRepository(session).get(user_id, step.tag_id)
            if tag is None:
                raise NotFound("No such secret tag.")
            vault = await self._open(session, user_id, device, tag.id)
            keys = await VaultKeyRepository(session).list_for_tag(tag.id)
            await self.audit.unlocked(session, caller, tag.id)
        return Unlocked(tag, vault, keys)

    # ------------------------------------------------------------------ phrase change

    async def change_phrase_start(
        self,
        user_id: uuid.UUID,
        device: str,
        *,
        tag_id: uuid.UUID,
        request: str,
        lookup: str | None,
    ) -> Started:
        """Re-register a tag under a new phrase; its vault must be open here (the old phrase)."""
        opaque = self.opaque
        raw = check.opaque_message(request, field="registrationRequest")
        lookup_hash = self._lookup(lookup)
        async with self.db() as session, session.begin():
            await require_open(session, user_id, device, tag_id)
            await _refuse_taken_lookup(session, user_id, lookup_hash, except_id=tag_id)
            message = _opaque(
                lambda: opaque.registration_response(raw, steps.credential_id(tag_id)),
                field="registrationRequest",
            )
            step_id = await self._phrase_step(
                session, steps.ROTATE, user_id, device, tag_id, lookup_hash
            )
        return Started(step_id, tag_id, message)

    async def change_phrase_finish(
        self,
        user_id: uuid.UUID,
        device: str,
        *,
        change_id: uuid.UUID,
        record: str,
        wrapped_keys: Mapping[int, str],
        client: Client,
    ) -> SecretTag:
        """Store the new record and every data key re-wrapped under the new export key; the
        blobs stay as they are, the old phrase opens nothing, other open vaults close."""
        opaque = self.opaque
        upload = check.opaque_message(record, field="registrationRecord")
        wrapped = {v: check.wrapped_key(k, field="wrappedKeys") for v, k in wrapped_keys.items()}
        step = await steps.finish(
            self.db, opaque, change_id, kind=steps.ROTATE, user_id=user_id, device=device
        )
        password_file = _opaque(
            lambda: opaque.registration_record(upload), field="registrationRecord"
        )
        try:
            async with self.db() as session, session.begin():
                vault = await require_open(session, user_id, device, step.tag_id, lock=True)
                keys = VaultKeyRepository(session)
                kept = {key.version for key in await keys.list_for_tag(step.tag_id)}
                if set(wrapped) != kept:
                    raise BadUserInput(
                        f"Re-wrap every key version: {sorted(kept)}.", field="wrappedKeys"
                    )
                await keys.rewrap(step.tag_id, wrapped)
                tag = await SecretTagRepository(session).update(
                    step.tag_id,
                    {"opaque_record": password_file, "lookup_hash": step.values.get("lookup")},
                )
                closed = await VaultSessionRepository(session).revoke_for_tag(
                    step.tag_id, except_id=vault.id
                )
                caller = Caller(user_id, device, client)
                await self.audit.phrase_changed(session, caller, step.tag_id, closed)
        except IntegrityError:
            raise BadUserInput("Another secret tag has this phrase.", field="lookupHash") from None
        return tag

    # ------------------------------------------------------------------ delete

    async def delete_tag(
        self, user_id: uuid.UUID, device: str, tag_id: uuid.UUID, *, client: Client
    ) -> Shredded:
        """Crypto-shred: the wrapped keys go first (so the blobs are unreadable from then
        on, even from a backup taken mid-way), then the blobs, the sessions and the tag.
        Only the account is needed: a forgotten phrase must not keep the data alive."""
        async with self.db() as session, session.begin():
            tags = SecretTagRepository(session)
            if await tags.get_for_update(user_id, tag_id) is None:
                raise NotFound("No such secret tag.")
            keys = await VaultKeyRepository(session).delete_for_tag(tag_id)
            entries = await VaultEntryRepository(session).delete_for_tag(tag_id)
            await OpaqueSessionRepository(session).delete_for_tag(tag_id)
            await VaultSessionRepository(session).delete_for_tag(tag_id)
            await tags.delete(tag_id)
            caller = Caller(user_id, device, client)
            await self.audit.deleted(session, caller, tag_id, keys, entries)
        return Shredded(keys, entries)

    # ------------------------------------------------------------------ helpers

    async def _limited(
        self, caller: Caller, tag_id: uuid.UUID | None, reserve: Awaitable[None]
    ) -> None:
        """Take an unlock slot; the first refusal of a window is a failed-unlock event.

        With OPAQUE a wrong phrase fails in the client, which then never finishes: the
        server sees guesses only as starts, so the limit tripping is what it can record."""
        try:
            await reserve
        except RateLimited:
            if await self.attempts.first_refusal(caller.user_id, tag_id):
                await self.audit.unlock_failed(caller, tag_id, "RATE_LIMITED")
            raise

    def _lookup(self, lookup: str | None) -> bytes | None:
        raw = check.lookup_hash(lookup)
        return None if raw is None else self.opaque.lookup_hash(raw)

    async def _open(
        self, session: AsyncSession, user_id: uuid.UUID, device: str, tag_id: uuid.UUID
    ) -> VaultSession:
        minutes = timedelta(minutes=self.settings.vault.session_minutes)
        return await VaultSessionRepository(session).open(user_id, device, tag_id, minutes)


def _opaque(call: Callable[[], T], *, field: str) -> T:
    try:
        return call()
    except OpaqueError:
        raise BadUserInput("Not a valid OPAQUE message.", field=field) from None


async def _refuse_taken_lookup(
    session: AsyncSession,
    user_id: uuid.UUID,
    lookup_hash: bytes | None,
    *,
    except_id: uuid.UUID | None = None,
) -> None:
    """Two tags of mine may not open by the same phrase."""
    if lookup_hash is not None and await SecretTagRepository(session).lookup_taken(
        user_id, lookup_hash, except_id=except_id
    ):
        raise BadUserInput("Another secret tag has this phrase.", field="lookupHash")
