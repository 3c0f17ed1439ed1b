/**
 * `completion` reads the reference the build saved (dist/src/cli/reference.json) instead of
 * loading every command: the saved one is the commands' own, and a stale or broken file is
 * not used.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { renderCompletion } from '../../src/cli/completion.js';
import { commandReference, savedReference } from '../../src/cli/reference.js';
import { CLI, REPO } from '../lib/netns.js';

test("the saved reference is the commands' own, and completion from it prints the same scripts", async () => {
  execFileSync(process.execPath, [join(REPO, 'scripts', 'gen-reference.mjs')]);
  const live = await commandReference();
  assert.deepEqual(savedReference(), live);
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    assert.equal(execFileSync(process.execPath, [CLI, 'completion', shell], { encoding: 'utf8' }), renderCompletion(shell, live));
  }
});

test('a saved reference older than the compiled CLI, or not one, is not used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-ref-'));
  try {
    const url = pathToFileURL(`${dir}/`);
    writeFileSync(join(dir, 'main.js'), '');
    writeFileSync(join(dir, 'reference.json'), JSON.stringify({ usage: 'u', commands: [] }));
    utimesSync(join(dir, 'main.js'), 1000, 1000);
    utimesSync(join(dir, 'reference.json'), 2000, 2000);
    assert.deepEqual(savedReference(url), { usage: 'u', commands: [] });
    utimesSync(join(dir, 'main.js'), 3000, 3000);
    assert.equal(savedReference(url), undefined);
    utimesSync(join(dir, 'reference.json'), 4000, 4000);
    writeFileSync(join(dir, 'reference.json'), '{"usage": 1');
    assert.equal(savedReference(url), undefined);
    rmSync(join(dir, 'reference.json'));
    assert.equal(savedReference(url), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
