/**
 * Issue 15 §4: ss's filter words typed as flags (`ls --sport 80`) are answered with the
 * filter meant, not the nearest flag (`--sort`), in English and Chinese; the filter offered
 * runs as given. Commands without filters (fleet) offer none; other typos keep their flag.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { filterFromFlag } from '../../src/model/suggest.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const ZOO = join(REPO, 'test', 'fixtures', 'proc-zoo.ss.txt');
const PCAP = join(REPO, 'test', 'fixtures', 'pcap', 'eth-us.pcap');

describe('filter words typed as flags', () => {
  test('the filter built from the flag and its value', () => {
    assert.equal(filterFromFlag('--sport', '80'), 'sport = :80');
    assert.equal(filterFromFlag('--dport', ':https'), 'dport = :https');
    assert.equal(filterFromFlag('--dport', undefined), 'dport = :N');
    assert.equal(filterFromFlag('--dport', '$(rm -rf /)'), 'dport = :N');
    assert.equal(filterFromFlag('--dst', '10.0.0.0/8'), 'dst 10.0.0.0/8');
    assert.equal(filterFromFlag('--src', '[::1]'), 'src [::1]');
    assert.equal(filterFromFlag('--src', undefined), 'src ADDR');
    assert.equal(filterFromFlag('--sort', '80'), undefined);
  });

  const cases: [string[], string][] = [
    [['ls', '--sport', '80', ZOO], 'sport = :80'],
    [['ls', '--sport=:7001', ZOO], 'sport = :7001'],
    [['count', '--dport', ':7001', ZOO], 'dport = :7001'],
    [['ls', '--dst', '127.0.0.1', ZOO], 'dst 127.0.0.1'],
    [['pcap', '--dport', '7301', PCAP], 'dport = :7301'],
    [['count', '--src', ZOO], 'src ADDR'],
  ];
  for (const [args, filter] of cases) {
    test(args.slice(0, 3).join(' '), async () => {
      const en = await runMain(args, Buffer.alloc(0), { LANG: 'C' });
      assert.equal(en.code, 2, en.stderr);
      assert.match(en.stderr, /Unknown option '--(sport|dport|src|dst)'/);
      assert.ok(en.stderr.includes(`did you mean the filter "${filter}"?`), en.stderr);
      assert.doesNotMatch(en.stderr, /--sort/);
      const zh = await runMain(args, Buffer.alloc(0), { LANG: 'zh_CN.UTF-8' });
      assert.ok(zh.stderr.includes(`你是不是想用过滤条件 "${filter}"？`), zh.stderr);
      // What is offered runs: the command with the filter after its operands.
      if (!filter.includes(' :N') && !filter.includes('ADDR')) {
        const file = args[args.length - 1]!;
        const ok = await runMain([args[0]!, file, ...filter.split(' ')], Buffer.alloc(0), { LANG: 'C' });
        assert.equal(ok.code, 0, ok.stderr);
      }
    });
  }

  test('a command without filters offers none; a typo of a flag keeps its flag', async () => {
    const fleet = await runMain(['fleet', '--sport', '80'], Buffer.alloc(0), { LANG: 'C' });
    assert.equal(fleet.code, 2);
    assert.doesNotMatch(fleet.stderr, /did you mean/);
    const sort = await runMain(['ls', '--srot', 'state', ZOO], Buffer.alloc(0), { LANG: 'C' });
    assert.match(sort.stderr, /did you mean --sort\?/);
  });
});
