// Preloaded into PostGraphile by bench/entries_page.py (`node --require` this file).
//
// PostGraphile v4 needs graphql 15 while the repo's own tools pin graphql 16 at the top of
// node_modules, so npm leaves two copies of 15 (under postgraphile and graphile-build-pg)
// and lets graphql-parse-resolve-info find 16. graphql refuses types made by another copy
// ("Cannot use GraphQLList from another module or realm"), so every `graphql` import of
// this process is sent to postgraphile's own copy. Only PostGraphile runs in this process.
"use strict";

const Module = require("module");
const path = require("path");

const postgraphile = path.dirname(require.resolve("postgraphile/package.json"));
const graphql = path.dirname(require.resolve("graphql/package.json", { paths: [postgraphile] }));
const resolve = Module._resolveFilename;

Module._resolveFilename = function (request, ...rest) {
  if (request === "graphql" || request.startsWith("graphql/")) {
    request = graphql + request.slice("graphql".length);
  }
  return resolve.call(this, request, ...rest);
};
