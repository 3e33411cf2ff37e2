// Monaco runs its language services in web workers. esbuild bundles each worker as its
// own script (build.mjs) and passes their hashed file names in as __GRAPHIQL_WORKERS__,
// so every worker is loaded from our origin, never a CDN or a blob: URL.
/* global __GRAPHIQL_WORKERS__ */

const workers = __GRAPHIQL_WORKERS__;

function workerUrl(name) {
  return new URL(workers[name], import.meta.url);
}

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    if (label === 'json') return new Worker(workerUrl('json'), { name: label });
    if (label === 'graphql') return new Worker(workerUrl('graphql'), { name: label });
    return new Worker(workerUrl('editor'), { name: label });
  },
};
