/**
 * A socket /proc/net/tcp listed twice in one read (the table changed during the read) is
 * counted and listed once by every command, with a W_DUPLICATE warning: count, count --by,
 * ls, diff --live and count --json; doctor and serve take them from the same snapshot (model/dedupe.ts).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type DiffDocument, type LsDocument, SCHEMAS } from '../../src/model/documents.js';
import { DETERMINISTIC_ENV } from '../lib/golden.js';
import { REPO, runCli } from '../lib/netns.js';

const ZOO = join(REPO, 'test', 'fixtures', 'proc-zoo');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-dup-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** proc-zoo with rows of its net/tcp repeated: `pick` chooses the data lines to write twice. */
function treeWithRepeats(name: string, pick: (line: string) => boolean): { root: string; repeated: number } {
  const root = join(tmp, name);
  cpSync(ZOO, root, { recursive: true });
  const lines = readFileSync(join(ZOO, 'net', 'tcp'), 'latin1').split('\n');
  const data = lines.slice(1).filter((l) => l.trim() !== '');
  const again = data.filter(pick);
  // Repeated further down, as a walk resumed by position shows them.
  writeFileSync(join(root, 'net', 'tcp'), [lines[0], ...data, ...again, ''].join('\n'));
  return { root, repeated: again.length };
}

const inode = (l: string) => l.trim().split(/\s+/)[9];
const run = (args: string[], root: string) => runCli([...args, '--proc-root', root], { env: DETERMINISTIC_ENV });

describe('duplicate rows of a changing /proc table', () => {
  // Listeners (an inode) and TIME_WAIT rows (inode 0, matched on state and 4-tuple) alike.
  const dup = treeWithRepeats('dup', (l) => / 0A /.test(l) || inode(l) === '0');

  test('the tree has repeats of both kinds', () => {
    const data = readFileSync(join(dup.root, 'net', 'tcp'), 'latin1')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim());
    assert.ok(dup.repeated >= 2, `${dup.repeated} rows repeated`);
    assert.ok(
      data.some((l) => inode(l) === '0'),
      'a row without an inode is among them',
    );
  });

  test('count, count --by, ls -a and count --json equal the tree without repeats, with a warning', () => {
    for (const args of [['count'], ['count', '--by', 'lport'], ['ls', '-a'], ['ls', '-a', '--json']]) {
      const want = run(args, ZOO);
      const got = run(args, dup.root);
      assert.equal(want.code, 0, want.stderr);
      assert.equal(got.code, 0, got.stderr);
      if (args.includes('--json')) {
        const w = JSON.parse(want.stdout) as LsDocument;
        const g = JSON.parse(got.stdout) as LsDocument;
        assert.equal(g.schema, SCHEMAS.ls);
        assert.deepEqual(g.sockets, w.sockets, args.join(' '));
        assert.ok(
          g.warnings.some((x) => x.code === 'W_DUPLICATE' && x.message.startsWith(`${dup.repeated} sockets appeared twice`)),
          JSON.stringify(g.warnings),
        );
      } else {
        assert.equal(got.stdout, want.stdout, args.join(' '));
        assert.match(got.stderr, new RegExp(`warning: .*${dup.repeated} sockets appeared twice`), args.join(' '));
        assert.doesNotMatch(want.stderr, /appeared twice/);
      }
    }
  });

  test('diff of the tree without repeats against the one with them: nothing changed', () => {
    const before = join(tmp, 'before.json');
    writeFileSync(before, run(['ls', '-a', '--json'], ZOO).stdout);
    const r = run(['diff', '--json', before, '--live'], dup.root);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const j = JSON.parse(r.stdout) as DiffDocument;
    assert.equal(j.schema, SCHEMAS.diff);
    assert.deepEqual(j.sockets, { changed: [], appeared: [], disappeared: [] });
    assert.ok(
      j.warnings.some((w) => w.code === 'W_DUPLICATE'),
      "the live side's warning is in the document",
    );
  });
});
