// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports, lazily loaded
// commands included) into one file, dist/src/cli/main.bundle.js, which bin/tcpstate.js
// prefers while it is newer than main.js: one module to read and compile instead of ~20
// saves a good part of tcpstate's start-up. The bundle sits beside the other compiled
// files so that relative paths from import.meta.url (the native addon, the worker) hold.
// Without esbuild (an install without devDependencies) it does nothing.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.exit(0);
}
await esbuild.build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  outfile: join(root, 'dist', 'src', 'cli', 'main.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['node:*'],
  logLevel: 'warning',
  legalComments: 'none',
});
