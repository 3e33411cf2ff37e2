// Bundles GraphiQL, its plugins and Monaco's workers from node_modules into static/,
// every file name content-hashed, plus manifest.json naming the page's script and style
// sheet for server/graphiql. Run by `make install` (npm run build:graphiql) after npm ci.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, 'static');
const root = join(here, '..', '..');
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};
const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['es2020'],
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  outdir,
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
};

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

// Classic (IIFE) worker scripts: every browser runs them with `new Worker(url)`.
const workers = await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(
    Object.entries(WORKERS).map(([name, path]) => [`${name}.worker`, join(root, 'node_modules', path)]),
  ),
  format: 'iife',
});
const workerFiles = {};
for (const [file, output] of Object.entries(workers.metafile.outputs)) {
  const name = Object.keys(WORKERS).find((key) => basename(file).startsWith(`${key}.worker-`));
  if (name && output.entryPoint) workerFiles[name] = basename(file);
}

const app = await esbuild.build({
  ...common,
  entryPoints: { graphiql: join(here, 'src', 'index.jsx') },
  format: 'esm',
  jsx: 'automatic',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  define: { ...common.define, __GRAPHIQL_WORKERS__: JSON.stringify(workerFiles) },
});
let script;
let style;
for (const [file, output] of Object.entries(app.metafile.outputs)) {
  if (output.entryPoint && file.endsWith('.js')) script = basename(file);
  if (file.endsWith('.css')) style = basename(file);
}

// Whose code is in the bundle: their licences are served beside it (licenses.txt).
const packageDirs = new Set();
for (const result of [workers, app]) {
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (match) packageDirs.add(join(process.cwd(), match[1]));
  }
}
const licences = new Map();
for (const dir of [...packageDirs].sort()) {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const id = `${pkg.name}@${pkg.version}`;
  if (licences.has(id)) continue;
  const names = (await readdir(dir)).filter((name) => /^licen[cs]e/i.test(name));
  const text = names.length ? await readFile(join(dir, names[0]), 'utf8') : '';
  licences.set(id, `${id} (${pkg.license})\n\n${text.trim()}\n`);
}
const separator = `\n${'-'.repeat(72)}\n\n`;
await writeFile(
  join(outdir, 'licenses.txt'),
  `Third-party code bundled into PersonalPod's GraphiQL.\n\n${[...licences.values()].join(separator)}`,
);

// Compressed once here rather than per request (the script is megabytes): the app sends
// `name.gz` to browsers that accept gzip.
for (const name of await readdir(outdir)) {
  if (/\.(js|css|ttf|txt)$/.test(name)) {
    const bytes = await readFile(join(outdir, name));
    await writeFile(join(outdir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  }
}

const manifest = { script, style, workers: workerFiles, licenses: 'licenses.txt' };
await writeFile(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`GraphiQL built into ${relative(root, outdir)}: ${script}, ${style}`);
