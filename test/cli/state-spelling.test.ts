/**
 * Issue 15 §4: kernel state 7 is spelled one way, netstat's CLOSE, in every command that
 * prints states (text and JSON, English and Chinese). The RFC's CLOSED appears only in a
 * line that says it is the RFC's (or the man page's) name, and is still accepted on input.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCENARIOS } from '../../src/fsm/scenarios.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const FIX = join(REPO, 'test', 'fixtures');
const BSD = join(FIX, 'vendor', 'freebsd-netstat-an.txt');
const PROC = join(FIX, 'proc-zoo');
const PCAP = join(FIX, 'pcap', 'eth-us.pcap');
const ENV = { TZ: 'UTC', LC_ALL: 'C', LANG: 'C', NO_COLOR: '1' };

/**
 * Lines that spell state 7 the RFC's way without saying so (the line or the one above, where
 * a table wrapped the cell, names the RFC or the man page).
 */
function strayClosed(out: string): string[] {
  const lines = out.split('\n');
  return lines.filter((l, i) => /(?<![A-Za-z_])CLOSED(?![A-Za-z])/.test(l) && !/RFC|man /.test(`${lines[i - 1] ?? ''}\n${l}`));
}

/** Whether `out` names state 7 as CLOSE somewhere (a word, not CLOSE_WAIT or the event "CLOSE /"). */
function namesClose(out: string): boolean {
  return /(?<![A-Za-z_-])CLOSE(?![A-Za-z_-])(?! \/| or ABORT)/.test(out);
}

async function check(args: string[], mustName = true): Promise<void> {
  for (const lang of ['en', 'zh']) {
    const r = await runMain(args, Buffer.alloc(0), { ...ENV, TCPSTATE_LANG: lang });
    assert.ok(r.code === 0 || r.code === 1, `${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    assert.ok(r.stdout.length > 0, `${args.join(' ')} printed something`);
    assert.deepEqual(strayClosed(r.stdout), [], `${args.join(' ')} (${lang}) spells CLOSE one way`);
    if (mustName) assert.ok(namesClose(r.stdout), `${args.join(' ')} (${lang}) names CLOSE`);
  }
}

describe('CLOSE is spelled one way', () => {
  test('count and ls of a capture that says CLOSED, text and JSON', async () => {
    for (const cmd of ['count', 'ls']) {
      await check([cmd, BSD]);
      await check([cmd, '--json', BSD]);
    }
    const ls = await runMain(['ls', BSD], Buffer.alloc(0), ENV);
    assert.match(ls.stdout, /\sCLOSE\s*$/m, 'the BSD CLOSED row is listed as CLOSE');
  });

  test('simulate: every scenario, text (with --rows) and JSON', async () => {
    for (const s of SCENARIOS) {
      const profile = s.profile === 'rfc' ? ['--profile', 'rfc'] : [];
      await check(['simulate', s.name, '--rows', ...profile]);
      await check(['simulate', s.name, '--json', ...profile]);
    }
  });

  test('diagram: every figure in every format', async () => {
    for (const figure of ['states', 'handshake', 'simultaneous-close', 'refused']) {
      for (const format of ['text', 'svg', 'mermaid', ...(figure === 'states' ? ['dot'] : [])]) await check(['diagram', '--figure', figure, '--format', format]);
    }
    await check(['diagram', '--counts', '--proc-root', PROC]);
  });

  test('explain: the overview, one state, --all and --columns; CLOSED still finds CLOSE', async () => {
    await check(['explain', '--no-count']);
    await check(['explain', '--all', '--proc-root', PROC]);
    await check(['explain', '--columns'], false);
    for (const spelling of ['CLOSED', 'close', 'UNCONN', '07']) {
      await check(['explain', spelling, '--no-count']);
      const r = await runMain(['explain', spelling, '--no-count'], Buffer.alloc(0), ENV);
      assert.match(r.stdout, /^CLOSE {2}\(kernel 7, ss UNCONN, RFC 9293 CLOSED\)/);
    }
  });

  test('pcap: connections, --timeline and JSON', async () => {
    await check(['pcap', PCAP]);
    await check(['pcap', '--timeline', PCAP]);
    await check(['pcap', '--json', PCAP]);
    await check(['pcap', '--count', PCAP]);
  });

  test('watch lines and JSON, count and ls of a /proc tree', async () => {
    // Line mode abbreviates the states (`close`, `clo-w`) as vmstat-style headings.
    await check(['watch', '--no-tui', '-c', '1', '--proc-root', PROC], false);
    await check(['watch', '--json', '-c', '1', '--proc-root', PROC]);
    await check(['count', '--proc-root', PROC]);
  });
});
