/**
 * Golden files for whole outputs: compare with test/golden/NAME, or write it when
 * UPDATE_GOLDEN=1. Outputs are made with TZ=UTC, LC_ALL=C, LANG=C (see {@link goldenEnv}).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO } from '../lib/netns.js';

export const goldenEnv: Record<string, string> = { TZ: 'UTC', LC_ALL: 'C', LANG: 'C', LC_MESSAGES: 'C' };

export function golden(name: string, actual: string): void {
  const file = join(REPO, 'test', 'golden', name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npm test`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${file} (UPDATE_GOLDEN=1 refreshes it)`);
}
