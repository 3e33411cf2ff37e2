// The fetcher: queries and mutations over HTTP with the headers the user typed, and
// subscriptions over graphql-transport-ws with the typed Authorization header sent in
// `connection_init` as {"authorization": "Bearer ..."} (what server/websocket.py reads).
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';

// Under INTROSPECTION=signed_in (the default) an anonymous page gets FORBIDDEN for the
// schema: say what to do in the result pane, where GraphiQL shows schema errors.
const SIGN_IN_FOR_SCHEMA =
  'This server lets only signed-in callers read its schema. Sign up or sign in in the ' +
  'first tab, then put {"Authorization": "Bearer <token>"} in the Headers pane below: ' +
  'the schema (completion, docs, explorer) loads as soon as the header changes.';
const SCHEMA_CLOSED =
  'This server does not open its schema to this caller (its INTROSPECTION setting), so ' +
  'there is no completion, docs or explorer; operations still run.';

export function authorizationOf(headers) {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string' && value.trim()) {
      return value.trim();
    }
  }
  return null;
}

export function parseHeaders(text) {
  try {
    const value = JSON.parse(text || '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return null; // Still being typed: keep what we had.
  }
}

function isForbidden(result) {
  return result?.errors?.some((error) => error?.extensions?.code === 'FORBIDDEN');
}

export function createFetcher({ url, subscriptionUrl }) {
  // A websocket client per Authorization header, so each connection_init carries the
  // header its subscription was run with. Clients are lazy: a socket opens with the first
  // subscription and closes after the last one ends, so old headers keep no socket open.
  const fetchers = new Map();

  function fetcherFor(authorization) {
    let fetcher = fetchers.get(authorization);
    if (!fetcher) {
      const wsClient = createClient({
        url: subscriptionUrl,
        connectionParams: authorization ? { authorization } : {},
        lazy: true,
      });
      fetcher = createGraphiQLFetcher({ url, wsClient, enableIncrementalDelivery: false });
      fetchers.set(authorization, fetcher);
    }
    return fetcher;
  }

  return async (params, options) => {
    const authorization = authorizationOf(options?.headers);
    const result = await fetcherFor(authorization)(params, options);
    if (params.operationName === 'IntrospectionQuery' && isForbidden(result)) {
      const message = authorization ? SCHEMA_CLOSED : SIGN_IN_FOR_SCHEMA;
      return { errors: [{ message, extensions: { code: 'FORBIDDEN' } }] };
    }
    return result;
  };
}
