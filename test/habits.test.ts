/**
 * The habits that keep the code one shape (issue 14): Biome's linter and formatter over
 * src/, test/, scripts/ and bench/ with the rules in biome.json — among them no `console`,
 * no `process.exit` and no `child_process` outside the CLI's edge. `npm run lint` is the same check.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './lib/netns.js';

test('biome ci: lint and format clean, no exceptions in the code', () => {
  const bin = join(REPO, 'node_modules', '.bin', 'biome');
  assert.ok(existsSync(bin), 'npm ci installs @biomejs/biome');
  const r = spawnSync(bin, ['ci', '--colors=off', '--max-diagnostics=50', '.'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const ignores = spawnSync('grep', ['-rlE', 'biome-ignore', 'src', 'test', 'scripts', 'bench', '--include=*.ts', '--include=*.mjs', '--exclude=habits.test.ts'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(ignores.stdout, '', 'no rule switched off in the code itself');
});
