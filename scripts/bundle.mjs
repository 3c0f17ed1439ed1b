// Bundles the compiled CLI for start-up: dist/src/cli/main.bundle.js (the command table and
// usage) and one self-contained file per command, dist/src/cli/bundle-NAME.js, which
// main.bundle.js imports when that command is named. One module to read and compile per
// command instead of ~20 (or ~40 chunks of a split bundle) saves a good part of tcpstate's
// start-up; bin/tcpstate.js prefers main.bundle.js while it is newer than main.js. Command
// bundles share no module instances with main.bundle.js, so errors are recognised by a brand
// (src/model/errors.ts), not by class. The bundles sit beside the other compiled files so that
// relative paths from import.meta.url (the native addon, the worker) hold.
// Without esbuild (an install without devDependencies) it does nothing.
import { readdirSync, rmSync } from 'node:fs';
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
const commands = readdirSync(join(out, 'commands')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
for (const f of readdirSync(out)) if (f.startsWith('bundle-') && f.endsWith('.js')) rmSync(join(out, f));
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node:*'],
  logLevel: 'warning',
  legalComments: 'none',
  outdir: out,
};
await esbuild.build({
  ...common,
  entryPoints: { 'main.bundle': join(out, 'main.js') },
  plugins: [{
    name: 'command-bundles',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.js$/ }, (a) => ({ path: `./bundle-${a.path.slice('./commands/'.length, -3)}.js`, external: true }));
    },
  }],
});
await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(commands.map((c) => [`bundle-${c}`, join(out, 'commands', `${c}.js`)])),
});
