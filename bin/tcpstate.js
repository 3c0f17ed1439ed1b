#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): a CommonJS entry starts without Node's ES module loader.
const { statSync } = require('node:fs');
const { join } = require('node:path');

// The bundle (scripts/bundle.mjs) starts faster; use it unless a later `tsc` made it stale.
const dir = join(__dirname, '..', 'dist', 'src', 'cli');
let bundled = false;
try {
  bundled = statSync(join(dir, 'main.bundle.cjs')).mtimeMs >= statSync(join(dir, 'main.js')).mtimeMs;
} catch {
  // no bundle: the compiled modules
}

async function run() {
  const { main, processIo } = bundled ? require(join(dir, 'main.bundle.cjs')) : await import(join(dir, 'main.js'));
  process.exitCode = await main(process.argv.slice(2), processIo());
}
run();
