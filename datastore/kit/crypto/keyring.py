"""Master keys: wrap data keys with the current one, unwrap with any known one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import nacl.exceptions
import nacl.secret


class UnknownMasterKey(Exception):
    """A data key is wrapped by a master key this server was not given."""


def master_key_id(key: bytes) -> str:
    """A public name for a master key: a hash prefix, useless for recovering the key."""
    return hashlib.blake2b(key, digest_size=8, person=b"pp-master-key").hexdigest()


class MasterKeyring:
    def __init__(self, current: bytes, others: Iterable[bytes] = ()) -> None:
        self.current_id = master_key_id(current)
        self._boxes = {master_key_id(k): nacl.secret.SecretBox(k) for k in (*others, current)}

    def wrap(self, data_key: bytes) -> tuple[str, bytes]:
        """(key id, ciphertext) of `data_key` under the current master key."""
        return self.current_id, bytes(self._boxes[self.current_id].encrypt(data_key))

    def unwrap(self, key_id: str, wrapped: bytes) -> bytes:
        box = self._boxes.get(key_id)
        if box is None:
            raise UnknownMasterKey(f"no master key with id {key_id}; set MASTER_KEYS_OLD")
        try:
            return box.decrypt(wrapped)
        except nacl.exceptions.CryptoError as error:
            raise UnknownMasterKey(f"master key {key_id} does not open this data key") from error
