/**
 * The start-up bundles (scripts/bundle.mjs): one per command, each with a V8 code cache this
 * Node accepts, and the CLI runs through them (bin/tcpstate.js prefers them when fresh).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import { COMMANDS } from '../../src/cli/main.js';
import { REPO, runCli } from '../lib/netns.js';

const DIR = join(REPO, 'dist', 'src', 'cli');

test('every command has a bundle and a code cache this Node accepts', (t) => {
  if (!existsSync(join(DIR, 'main.bundle.cjs'))) {
    // An install without devDependencies has no esbuild and runs the compiled modules.
    if (existsSync(join(REPO, 'node_modules', 'esbuild'))) assert.fail('esbuild is installed but main.bundle.cjs was not built');
    t.skip('no esbuild: no bundles');
    return;
  }
  for (const name of Object.keys(COMMANDS)) {
    const file = join(DIR, `bundle-${name}.cjs`);
    assert.ok(existsSync(file), `${file} exists`);
    const s = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData: readFileSync(`${file}.cache`) });
    assert.equal(s.cachedDataRejected, false, `${name}: the code cache was rejected`);
  }
  assert.ok(statSync(join(DIR, 'main.bundle.cjs')).mtimeMs >= statSync(join(DIR, 'main.js')).mtimeMs, 'the bundle is fresh, so the CLI tests run through it');
});

test('a usage error thrown inside a command bundle is reported as one (exit 2, no stack)', () => {
  const r = runCli(['count', '--no-such-option']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tcpstate: .*--no-such-option/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
