/**
 * ARCHITECTURE.md stays true: every file of the code, its tests, docs, scripts and benchmarks
 * is named in the map (a folder row such as `test/fixtures/vendor/` covers what is inside it),
 * and every path the map names exists.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './lib/netns.js';

/** The paths a map row names in its first cell; a bare name is in the folder of the path before it. */
function rowPaths(row: string): string[] {
  const out: string[] = [];
  let dir = '';
  for (const [, p] of row.split(' | ')[0]!.matchAll(/`([^`]+)`/g)) {
    const full = p!.includes('/') ? p! : dir + p!;
    dir = full.endsWith('/') ? full : full.slice(0, full.lastIndexOf('/') + 1);
    out.push(full);
  }
  return out;
}

const MAPPED = /^(bin|src|native|scripts|docs|man|bench|test|contrib|\.ci)\//;
const NOT_MAPPED = /(^|\/)package-lock\.json$/;

test('ARCHITECTURE.md names every file, and every name it gives exists', () => {
  const map = readFileSync(join(REPO, 'ARCHITECTURE.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  const named = new Set(map.flatMap(rowPaths));
  const missingPaths = [...named].filter((p) => !existsSync(join(REPO, p)));
  assert.deepEqual(missingPaths, [], 'named in ARCHITECTURE.md but absent');
  const files = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' })
    .split('\n')
    .filter((f) => MAPPED.test(f) && !NOT_MAPPED.test(f));
  const covered = (f: string): boolean => {
    if (named.has(f)) return true;
    for (let i = f.lastIndexOf('/'); i > 0; i = f.lastIndexOf('/', i - 1)) if (named.has(f.slice(0, i + 1))) return true;
    return false;
  };
  assert.deepEqual(
    files.filter((f) => !covered(f)),
    [],
    'files ARCHITECTURE.md does not name',
  );
});
