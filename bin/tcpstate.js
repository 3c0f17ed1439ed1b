#!/usr/bin/env node
import { statSync } from 'node:fs';

// The one-file bundle (scripts/bundle.mjs) starts faster; use it unless a later `tsc` made it stale.
const dir = new URL('../dist/src/cli/', import.meta.url);
let entry = '../dist/src/cli/main.js';
try {
  if (statSync(new URL('main.bundle.js', dir)).mtimeMs >= statSync(new URL('main.js', dir)).mtimeMs) entry = '../dist/src/cli/main.bundle.js';
} catch {
  // no bundle: the compiled modules
}
const { main, processIo } = await import(entry);

process.stdout.on('error', (e) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
