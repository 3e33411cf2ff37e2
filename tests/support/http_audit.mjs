// Run every graphql-http server audit against the URL in argv; print a JSON array of
// {id, name, status, reason} on stdout. Usage: node http_audit.mjs http://host:port/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node http_audit.mjs <graphql url>');
  process.exit(2);
}

const results = [];
// One at a time: a failure then reads in order, and the server is not flooded.
for (const { fn } of serverAudits({ url })) {
  const { id, name, status, reason } = await fn();
  results.push({ id, name, status, reason: reason ?? null });
}
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
