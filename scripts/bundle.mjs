// Bundles the compiled CLI for start-up: dist/src/cli/main.bundle.cjs (the command table and
// usage) and one self-contained file per command, dist/src/cli/bundle-NAME.cjs, loaded when
// that command is named, with a V8 code cache beside it (scripts/bundle-loader.cjs; made by
// scripts/bundle-caches.cjs after the commands have run). One CommonJS file per command, read
// synchronously and compiled from its cache, instead of ~20 ES modules through Node's
// asynchronous loader, saves a good part of tcpstate's start-up;
// bin/tcpstate.js prefers main.bundle.cjs while it is newer than main.js. Command bundles
// share no module instances with main.bundle.cjs, so errors are recognised by a brand
// (src/model/errors.ts), not by class. The bundles sit beside the other compiled files so
// that relative paths from import.meta.url (the native addon, the worker) hold.
// Without esbuild (an install without devDependencies) it does nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.exit(0);
}
const out = join(root, 'dist', 'src', 'cli');
const commands = readdirSync(join(out, 'commands'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3));
for (const f of readdirSync(out)) if (/^(bundle-|main\.bundle\.)/.test(f)) rmSync(join(out, f));
for (const f of ['count-worker.cjs', 'read-worker.cjs']) rmSync(join(root, 'dist', 'src', 'sources', 'text', f), { force: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['node:*'],
  logLevel: 'warning',
  legalComments: 'none',
  outdir: out,
  outExtension: { '.js': '.cjs' },
  // The compiled modules are ES modules: import.meta.url becomes the bundle's own file URL.
  define: { 'import.meta.url': '__tcpstate_url' },
};
const url = 'const __tcpstate_url = require("node:url").pathToFileURL(__filename).href;';
/** import('node:x') becomes a require: code compiled by vm.Script has no loader for import(). */
const builtinImports = {
  name: 'builtin-imports',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, namespace: 'builtin' } : { path: a.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
  },
};
await esbuild.build({
  ...common,
  entryPoints: { 'main.bundle': join(out, 'main.js') },
  banner: { js: `${url}\n${readFileSync(join(root, 'scripts', 'bundle-loader.cjs'), 'utf8')}` },
  footer: { js: 'module.exports.__tcpstate_bundles = __tcpstate_bundles;' },
  plugins: [
    builtinImports,
    {
      name: 'command-bundles',
      setup(b) {
        // import('./commands/NAME.js') in main.ts loads bundle-NAME.cjs through the loader.
        b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (a) => ({ path: a.path.slice('./commands/'.length, -3), namespace: 'command' }));
        b.onLoad({ filter: /.*/, namespace: 'command' }, (a) => ({ contents: `module.exports = __tcpstate_bundles.load(${JSON.stringify(a.path)});`, loader: 'js' }));
      },
    },
  ],
});
await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(commands.map((c) => [`bundle-${c}`, join(out, 'commands', `${c}.js`)])),
  banner: { js: url },
  plugins: [builtinImports],
});
// The capture workers (count's split, count --hosts' pool) as one CommonJS file each beside
// their modules: a worker loading ~15 ES modules through the asynchronous loader spends ~100 ms
// before it reads a byte. sources/text/worker-url.ts prefers them while they are fresh.
const text = join(root, 'dist', 'src', 'sources', 'text');
await esbuild.build({
  ...common,
  outdir: text,
  entryPoints: Object.fromEntries(['count-worker', 'read-worker'].map((w) => [w, join(text, `${w}.js`)])),
  banner: { js: url },
  plugins: [builtinImports],
});
// The code caches, made by this Node after the commands have run (scripts/bundle-caches.cjs).
execFileSync(process.execPath, [join(root, 'scripts', 'bundle-caches.cjs'), out, root, ...commands], { stdio: 'inherit' });
