// Real GraphQL client libraries against the live test server, driven by
// tests/clients/test_node_clients.py. Prints one JSON object per line on stdout.
//
//   node node_clients.mjs <client> <http url> <ws url> <token> <display name> <device>
//     client: graphql-ws | apollo | urql | subscriptions-transport-ws
//     prints {step: "query"}, {step: "mutation"}, {step: "subscribed"}, then {step: "event"}
//     for each sessionEvents result until one names <device> (the test signs in meanwhile;
//     the sign-up's own event may arrive first) or carries errors.
//   node node_clients.mjs apollo-apq <http url> <ws url> <token> <operation name> <GET|POST>
//     runs one query twice through Apollo's persisted-query link and prints
//     {step: "apq", hash, requests, results}: what went over the wire and what came back.
import { createHash } from 'node:crypto';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient } from 'graphql-ws';
import subscriptionsTransportWs from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const ME = 'query Me { me { id } }';
const RENAME =
  'mutation Rename($name: String!) { updateProfile(input: {displayName: $name}) { displayName } }';
const SESSION_EVENTS = 'subscription SessionEvents { sessionEvents { kind deviceName } }';
const PROBE = 'query Probe { __typename }';
const TIMEOUT_MS = 30_000;

const [clientName, httpUrl, wsUrl, token, argument, option] = process.argv.slice(2);
const authorization = `Bearer ${token}`;

function emit(step, fields = {}) {
  process.stdout.write(`${JSON.stringify({ step, ...fields })}\n`);
}

// The first result of an operation on a graphql-ws client (queries, mutations, probes).
function once(wsClient, payload) {
  return new Promise((resolve, reject) => {
    let result;
    wsClient.subscribe(payload, {
      next: (value) => (result ??= value),
      error: reject,
      complete: () => resolve(result),
    });
  });
}

function graphqlWsClient() {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
  });
}

// Each client: query, mutate, subscribe(onResult) -> stop, probe (same transport as the
// subscription, so its answer means the subscription was taken), close.
const clients = {
  'graphql-ws': () => {
    const ws = graphqlWsClient();
    return {
      query: () => once(ws, { query: ME }),
      mutate: (name) => once(ws, { query: RENAME, variables: { name } }),
      subscribe: (onResult, onError) =>
        ws.subscribe({ query: SESSION_EVENTS }, { next: onResult, error: onError, complete() {} }),
      probe: () => once(ws, { query: PROBE }),
      close: () => ws.dispose(),
    };
  },

  apollo: () => {
    const ws = graphqlWsClient();
    const isSubscription = ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    };
    const link = ApolloLink.split(
      isSubscription,
      new GraphQLWsLink(ws),
      new HttpLink({ uri: httpUrl, headers: { authorization } }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    return {
      query: () => client.query({ query: gql(ME), fetchPolicy: 'no-cache' }),
      mutate: (name) => client.mutate({ mutation: gql(RENAME), variables: { name } }),
      subscribe: (onResult, onError) => {
        const subscription = client
          .subscribe({ query: gql(SESSION_EVENTS) })
          .subscribe({ next: onResult, error: onError });
        return () => subscription.unsubscribe();
      },
      probe: () => once(ws, { query: PROBE }),
      close: () => {
        client.stop();
        ws.dispose();
      },
    };
  },

  urql: () => {
    const ws = graphqlWsClient();
    const client = new Client({
      url: httpUrl,
      fetchOptions: () => ({ headers: { authorization } }),
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query || '' };
            return {
              subscribe(sink) {
                return { unsubscribe: ws.subscribe(input, sink) };
              },
            };
          },
        }),
      ],
    });
    return {
      query: () => client.query(ME, {}, { requestPolicy: 'network-only' }).toPromise(),
      mutate: (name) => client.mutation(RENAME, { name }).toPromise(),
      subscribe: (onResult) => client.subscription(SESSION_EVENTS, {}).subscribe(onResult).unsubscribe,
      probe: () => once(ws, { query: PROBE }),
      close: () => ws.dispose(),
    };
  },

  'subscriptions-transport-ws': () => {
    const { SubscriptionClient } = subscriptionsTransportWs;
    // The legacy protocol, which the server speaks as `graphql-ws` (the library's name for it).
    const client = new SubscriptionClient(
      wsUrl,
      { connectionParams: { authorization }, reconnect: false },
      WebSocket,
    );
    const request = (operation) =>
      new Promise((resolve, reject) => {
        let result;
        client.request(operation).subscribe({
          next: (value) => (result ??= value),
          error: reject,
          complete: () => resolve(result),
        });
      });
    return {
      query: () => request({ query: ME }),
      mutate: (name) => request({ query: RENAME, variables: { name } }),
      subscribe: (onResult, onError) => {
        const subscription = client
          .request({ query: SESSION_EVENTS })
          .subscribe({ next: onResult, error: onError });
        return () => subscription.unsubscribe();
      },
      probe: () => request({ query: PROBE }),
      close: () => client.close(),
    };
  },
};

// The wire-level shape of a result, whichever library produced it.
function plain(result) {
  const errors = result.error?.errors ?? result.error?.graphQLErrors ?? result.errors;
  return {
    data: result.data ?? null,
    errors: errors?.length ? errors.map((e) => ({ message: e.message, extensions: e.extensions })) : null,
  };
}

async function runClient(make) {
  const client = make();
  try {
    emit('query', { result: plain(await client.query()) });
    emit('mutation', { result: plain(await client.mutate(argument)) });
    const device = option;
    const awaited = new Promise((resolve, reject) => {
      const stop = client.subscribe((result) => {
        const event = plain(result);
        emit('event', { result: event });
        if (event.errors || event.data?.sessionEvents?.deviceName === device) {
          stop?.();
          resolve();
        }
      }, reject);
    });
    await client.probe();
    emit('subscribed');
    await awaited;
  } finally {
    client.close();
  }
}

// Apollo Client with its persisted-query link over HttpLink; every request is recorded.
async function runApolloPersistedQueries() {
  const requests = [];
  const recordingFetch = async (url, options) => {
    const response = await fetch(url, options);
    const body = await response.clone().json();
    const sent = options.body ? JSON.parse(options.body) : Object.fromEntries(new URL(url).searchParams);
    const extensions = typeof sent.extensions === 'string' ? JSON.parse(sent.extensions) : sent.extensions;
    requests.push({
      method: options.method ?? 'GET',
      hasQuery: Boolean(sent.query),
      hash: extensions?.persistedQuery?.sha256Hash ?? null,
      status: response.status,
      codes: (body.errors ?? []).map((e) => e.extensions?.code ?? null),
    });
    return response;
  };
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  const link = new PersistedQueryLink({ sha256, useGETForHashedQueries: option === 'GET' }).concat(
    new HttpLink({ uri: httpUrl, headers: { authorization }, fetch: recordingFetch }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const query = gql(`query ${argument} { me { id } }`);
  const results = [];
  for (let i = 0; i < 2; i += 1) {
    results.push(plain(await client.query({ query, fetchPolicy: 'no-cache' })));
  }
  client.stop();
  emit('apq', { hash: requests[0]?.hash ?? null, requests, results });
}

const timer = setTimeout(() => {
  console.error(`${clientName}: no result within ${TIMEOUT_MS} ms`);
  process.exit(3);
}, TIMEOUT_MS);

try {
  if (clientName === 'apollo-apq') {
    await runApolloPersistedQueries();
  } else if (clients[clientName]) {
    await runClient(clients[clientName]);
  } else {
    console.error(`unknown client ${clientName}; one of ${Object.keys(clients).join(', ')}, apollo-apq`);
    process.exit(2);
  }
} catch (error) {
  console.error(error?.stack ?? error);
  process.exit(1);
}
clearTimeout(timer);
// Exit once stdout has drained, even if a library still holds an idle socket.
setTimeout(() => process.exit(0), 500).unref();
