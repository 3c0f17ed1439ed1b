/**
 * Golden files: whole outputs compared byte for byte with test/golden/NAME. Run with
 * UPDATE_GOLDEN=1 to rewrite them. Goldens are made under TZ=UTC LC_ALL=C (runCliGolden).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO } from './netns.js';

export const GOLDEN_DIR = join(REPO, 'test', 'golden');

export function assertGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${path} missing: run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from golden ${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

/** Environment for deterministic output. */
export const DETERMINISTIC_ENV = { TZ: 'UTC', LC_ALL: 'C', LANG: 'C', NO_COLOR: '1' };
