"""Encryption at rest: a data key per user, wrapped by the server's master key.

Secrets (password secrets, TOTP seeds, bodies of sensitive entries) are sealed with the
user's data key (PyNaCl SecretBox). The data key is stored wrapped by a master key, with
the wrapping key's id (`master_key_id`, a hash prefix of the key, never the key), so any
server that knows that master key can unwrap it.

Rotating the master key without downtime (every step keeps every server working):

1. Deploy with `MASTER_KEYS_OLD=<new key>`: servers still wrap with the current key but
   can already unwrap keys wrapped by the new one.
2. Deploy with `MASTER_KEY=<new key>` and `MASTER_KEYS_OLD=<old key>`: new data keys are
   wrapped with the new key; keys wrapped by either still open.
3. Run `personalpod rotate-master-key --new-key <new key>`: re-wraps, in batches and
   resumably, every data key still wrapped by another key.
4. Drop `MASTER_KEYS_OLD`.
"""
