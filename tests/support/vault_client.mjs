// The reference secret-tag client: what a real app does, in Node, against the live server.
//
// OPAQUE with @serenity-kit/opaque (opaque-ke 4 in WASM: Ristretto255, TripleDH, SHA-512,
// Argon2id). The data key is 256 random bits, wrapped (AES-KW, RFC 3394: `id-aes256-wrap`)
// by a KEK = HKDF-SHA256(export key, salt = tag id, info = "personalpod vault kek v1").
// Entries are sealed with AES-256-GCM, a fresh 96-bit nonce each, the tag id as AAD.
//
// Usage: node vault_client.mjs <graphql url> <token> <user id> <address>
// Reads one JSON command per line on stdin and answers one JSON line on stdout; it keeps
// the tag, its unwrapped keys and its vault session between commands, as an app would.
// Answers include the secrets it holds (`secrets`) so the test can look for them in a dump.
import crypto from "node:crypto";
import readline from "node:readline";
import * as opaque from "@serenity-kit/opaque";

const [url, token, userId, address] = process.argv.slice(2);
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
const state = { tagId: null, keys: {}, keyVersion: 0, exportKeys: [], keks: [] };

class GraphQLError extends Error {
  constructor(errors) {
    super(errors[0].message);
    this.code = errors[0].extensions?.code;
    this.field = errors[0].extensions?.field;
  }
}

async function gql(query, variables = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "x-forwarded-for": address,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new GraphQLError(body.errors);
  return body.data;
}

const b64 = (buf) => Buffer.from(buf).toString("base64");
const fromB64url = (text) => Buffer.from(text, "base64url");

function lookupHash(phrase) {
  // The same phrase finds the same tag; the server keys this again with its own secret.
  const input = `personalpod-secret-tag\0${userId}\0${phrase.normalize("NFKC")}`;
  return b64(crypto.createHash("sha256").update(input).digest());
}

function kekFor(exportKey, tagId) {
  const kek = Buffer.from(
    crypto.hkdfSync("sha256", fromB64url(exportKey), tagId, "personalpod vault kek v1", 32),
  );
  state.exportKeys.push(exportKey);
  state.keks.push(kek);
  return kek;
}

function wrap(kek, dataKey) {
  const cipher = crypto.createCipheriv("id-aes256-wrap", kek, KW_IV);
  return Buffer.concat([cipher.update(dataKey), cipher.final()]);
}

function unwrap(kek, wrapped) {
  const decipher = crypto.createDecipheriv("id-aes256-wrap", kek, KW_IV);
  return Buffer.concat([decipher.update(wrapped), decipher.final()]);
}

function seal(text) {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", state.keys[state.keyVersion], nonce);
  cipher.setAAD(Buffer.from(state.tagId));
  const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return {
    ciphertext: b64(body),
    nonce: b64(nonce),
    keyVersion: state.keyVersion,
    contentType: "text/plain",
  };
}

function open(blob) {
  const body = Buffer.from(blob.ciphertext, "base64");
  const decipher = crypto.createDecipheriv(
    "aes-256-gcm",
    state.keys[blob.keyVersion],
    Buffer.from(blob.nonce, "base64"),
  );
  decipher.setAAD(Buffer.from(state.tagId));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()])
    .toString("utf8");
}

const BLOB = "vaultBlob { ciphertext nonce keyVersion contentType size }";
const UNLOCK = `secretTag { id keyVersion } vaultSession { id current }
  keys { edges { node { version wrappedKey } } }`;

async function register({ phrase, name }) {
  const start = opaque.client.startRegistration({ password: phrase });
  const started = (
    await gql(
      `mutation($input: SecretTagRegistrationStartInput!) {
        secretTagRegistrationStart(input: $input) { id secretTagId message } }`,
      { input: { registrationRequest: start.registrationRequest, lookupHash: lookupHash(phrase) } },
    )
  ).secretTagRegistrationStart;
  const finish = opaque.client.finishRegistration({
    password: phrase,
    registrationResponse: started.message,
    clientRegistrationState: start.clientRegistrationState,
    keyStretching: "memory-constrained",
  });
  state.tagId = started.secretTagId;
  const dataKey = crypto.randomBytes(32);
  const wrapped = wrap(kekFor(finish.exportKey, state.tagId), dataKey);
  const done = (
    await gql(
      `mutation($input: SecretTagRegistrationFinishInput!) {
        secretTagRegistrationFinish(input: $input) { ${UNLOCK} } }`,
      {
        input: {
          registrationId: started.id,
          registrationRecord: finish.registrationRecord,
          wrappedKey: b64(wrapped),
          name,
          color: "#123ABC",
        },
      },
    )
  ).secretTagRegistrationFinish;
  state.keys = { 1: dataKey };
  state.keyVersion = 1;
  return { tagId: state.tagId, vaultSessionId: done.vaultSession.id };
}

async function unlock({ phrase, byLookup }) {
  const start = opaque.client.startLogin({ password: phrase });
  const input = { startLoginRequest: start.startLoginRequest };
  if (byLookup) input.lookupHash = lookupHash(phrase);
  else input.secretTagId = state.tagId;
  const started = (
    await gql(
      `mutation($input: SecretTagLoginStartInput!) {
        secretTagLoginStart(input: $input) { id secretTagId message } }`,
      { input },
    )
  ).secretTagLoginStart;
  const finish = opaque.client.finishLogin({
    password: phrase,
    loginResponse: started.message,
    clientLoginState: start.clientLoginState,
    keyStretching: "memory-constrained",
  });
  // A wrong phrase fails here, in the client: the server's reply does not open for it.
  if (!finish) return { wrongPhrase: true, loginId: started.id };
  const unlocked = (
    await gql(
      `mutation($input: SecretTagLoginFinishInput!) {
        secretTagLoginFinish(input: $input) { ${UNLOCK} } }`,
      { input: { loginId: started.id, finishLoginRequest: finish.finishLoginRequest } },
    )
  ).secretTagLoginFinish;
  state.tagId = unlocked.secretTag.id;
  const kek = kekFor(finish.exportKey, state.tagId);
  state.keys = {};
  for (const { node } of unlocked.keys.edges) {
    state.keys[node.version] = unwrap(kek, Buffer.from(node.wrappedKey, "base64"));
  }
  state.keyVersion = unlocked.secretTag.keyVersion;
  return { ok: true, vaultSessionId: unlocked.vaultSession.id, tagId: state.tagId };
}

async function write({ texts }) {
  const ids = [];
  for (const text of texts) {
    const entry = (
      await gql(
        `mutation($tag: ID!, $blob: VaultBlobInput!) {
          createJournalEntry(input: {}, secretTagId: $tag, vaultBlob: $blob) { id } }`,
        { tag: state.tagId, blob: seal(text) },
      )
    ).createJournalEntry;
    ids.push(entry.id);
  }
  return { ids };
}

async function pages(field, query) {
  const nodes = [];
  let after = null;
  for (;;) {
    const page = (await gql(query, { tag: state.tagId, after }))[field];
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

async function read() {
  const nodes = await pages(
    "journalEntries",
    `query($tag: ID!, $after: String) {
      journalEntries(secretTag: $tag, first: 2, after: $after) {
        edges { node { id content ${BLOB} } } pageInfo { hasNextPage endCursor } } }`,
  );
  return { texts: nodes.map((node) => open(node.vaultBlob)).sort() };
}

async function changePhrase({ phrase }) {
  const start = opaque.client.startRegistration({ password: phrase });
  const started = (
    await gql(
      `mutation($input: SecretTagPhraseChangeStartInput!) {
        secretTagPhraseChangeStart(input: $input) { id message } }`,
      {
        input: {
          secretTagId: state.tagId,
          registrationRequest: start.registrationRequest,
          lookupHash: lookupHash(phrase),
        },
      },
    )
  ).secretTagPhraseChangeStart;
  const finish = opaque.client.finishRegistration({
    password: phrase,
    registrationResponse: started.message,
    clientRegistrationState: start.clientRegistrationState,
    keyStretching: "memory-constrained",
  });
  const kek = kekFor(finish.exportKey, state.tagId);
  const wrappedKeys = Object.entries(state.keys).map(([version, key]) => ({
    keyVersion: Number(version),
    wrappedKey: b64(wrap(kek, key)),
  }));
  const tag = (
    await gql(
      `mutation($input: SecretTagPhraseChangeFinishInput!) {
        secretTagPhraseChangeFinish(input: $input) { id version } }`,
      { input: { phraseChangeId: started.id, registrationRecord: finish.registrationRecord, wrappedKeys } },
    )
  ).secretTagPhraseChangeFinish;
  return { version: tag.version };
}

async function rotateKey({ batch, stopAfter }) {
  // A new data key, wrapped with the KEK of the last unlock; blobs follow in batches.
  const dataKey = crypto.randomBytes(32);
  const kek = state.keks[state.keks.length - 1];
  const tag = (
    await gql(
      `mutation($tag: ID!, $key: String!) {
        rotateVaultKey(secretTagId: $tag, wrappedKey: $key) { keyVersion } }`,
      { tag: state.tagId, key: b64(wrap(kek, dataKey)) },
    )
  ).rotateVaultKey;
  state.keyVersion = tag.keyVersion;
  state.keys[tag.keyVersion] = dataKey;
  return await reencrypt({ batch, stopAfter });
}

async function reencrypt({ batch, stopAfter }) {
  let batches = 0;
  let replaced = 0;
  for (;;) {
    const stale = (
      await gql(
        `query($tag: ID!, $first: Int) {
          staleVaultEntries(secretTag: $tag, first: $first) { edges { node { id ${BLOB} } } } }`,
        { tag: state.tagId, first: batch },
      )
    ).staleVaultEntries.edges.map((edge) => edge.node);
    if (!stale.length) return { keyVersion: state.keyVersion, replaced, complete: true };
    if (stopAfter !== undefined && batches >= stopAfter) {
      return { keyVersion: state.keyVersion, replaced, complete: false };
    }
    const blobs = stale.map((node) => ({ entryId: node.id, blob: seal(open(node.vaultBlob)) }));
    const done = (
      await gql(
        `mutation($tag: ID!, $blobs: [ReplaceVaultBlobInput!]!) {
          replaceVaultBlobs(secretTagId: $tag, blobs: $blobs) { replacedCount rotationComplete } }`,
        { tag: state.tagId, blobs },
      )
    ).replaceVaultBlobs;
    replaced += done.replacedCount;
    batches += 1;
  }
}

async function deleteTag() {
  const done = (
    await gql(
      `mutation($id: ID!) { deleteSecretTag(id: $id) { keysDeleted entriesDeleted } }`,
      { id: state.tagId },
    )
  ).deleteSecretTag;
  return done;
}

function secrets() {
  return {
    exportKeys: state.exportKeys,
    keks: state.keks.map(b64),
    dataKeys: Object.values(state.keys).map(b64),
  };
}

const COMMANDS = { register, unlock, write, read, changePhrase, rotateKey, reencrypt, deleteTag };

await opaque.ready;
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  let answer;
  try {
    answer = await COMMANDS[command.op](command);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    answer = { error: error.code, field: error.field, message: error.message };
  }
  process.stdout.write(JSON.stringify({ ...answer, secrets: secrets() }) + "\n");
}
