/**
 * Issue 15 §4 "Smaller": -H keeps the columns, did-you-mean (en, zh), count --csv and
 * count --hosts --csv. Each test here failed on main before its fix.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const ZOO = join(REPO, 'test', 'fixtures', 'proc-zoo.ss.txt');
const PASTE = join(REPO, 'test', 'fixtures', 'pastes', 'linux-ss-tar.txt');
const PCAP = join(REPO, 'test', 'fixtures', 'pcap', 'ipv4.pcap');
const ZH = { LANG: 'zh_CN.UTF-8' };

/** RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    assert.ok(i >= text.length || text[i] === '\n', `a field ends at a comma or a line end (offset ${i})`);
    i++;
    rows.push(row);
    row = [];
  }
  return rows;
}

describe('-H leaves the header out, not its widths', () => {
  for (const opts of [['-a'], ['-ae'], ['-ao']]) {
    test(`ls ${opts.join(' ')} -H: the lines of ls ${opts.join(' ')} without its first`, async () => {
      const full = await runMain(['ls', ...opts, ZOO]);
      const bare = await runMain(['ls', ...opts, '-H', ZOO]);
      assert.equal(full.code, 0, full.stderr);
      const lines = full.stdout.split('\n');
      assert.match(lines[0]!, /^Proto Recv-Q Send-Q/);
      assert.equal(bare.stdout, lines.slice(1).join('\n'));
    });
  }

  test('pcap -H: the lines of pcap without its header', async () => {
    const full = await runMain(['pcap', PCAP]);
    const bare = await runMain(['pcap', '-H', PCAP]);
    assert.equal(full.code, 0, full.stderr);
    const i = full.stdout.indexOf('ORIGINATOR');
    assert.ok(i >= 0);
    const head = full.stdout.slice(i, full.stdout.indexOf('\n', i) + 1);
    assert.equal(bare.stdout, full.stdout.replace(head, ''));
  });
});

describe('did you mean', () => {
  const cases: [string, string[], RegExp, string][] = [
    ['a --by key', ['count', '--by', 'lprot', ZOO], /did you mean --by lport\?/, '--by lport'],
    ['a --by network keeps its prefix', ['count', '--by', 'rnte/16', ZOO], /did you mean --by rnet\/16\?/, '--by rnet/16'],
    ['a state in netstat spelling', ['count', ZOO, 'state', 'ESTABLISED'], /did you mean ESTABLISHED\?/, 'ESTABLISHED'],
    ['a state in ss spelling', ['ls', ZOO, 'exclude', 'time-wiat'], /did you mean time-wait\?/, 'time-wait'],
    ["explain's state", ['explain', 'CLOSE_WIAT'], /did you mean CLOSE_WAIT\?/, 'CLOSE_WAIT'],
    ['a scenario', ['simulate', 'simultanous-close'], /did you mean simultaneous-close\?/, 'simultaneous-close'],
    ['a scenario by its words', ['simulate', 'pasive-open'], /did you mean simultaneous-open, simultaneous-open-fail or half-open\?/, 'half-open'],
    ['a flag', ['count', '--jsno', ZOO], /did you mean --json\?/, '--json'],
    ['a flag of ls', ['ls', '--no-heder', ZOO], /did you mean --no-header\?/, '--no-header'],
    ['a command', ['cuont'], /did you mean count\?/, 'count'],
  ];
  for (const [what, args, en, word] of cases) {
    test(`${what}: ${args.filter((a) => a !== ZOO).join(' ')}`, async () => {
      const r = await runMain(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, en);
      // The error's own line first, the suggestion on a line of its own.
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[1]!, /^tcpstate: did you mean /);
      const zh = await runMain(args, undefined, ZH);
      assert.equal(zh.code, 2);
      assert.ok(zh.stderr.includes(`你是不是想输入 `) && zh.stderr.includes(word), zh.stderr);
    });
  }

  test('nothing near: no suggestion', async () => {
    for (const args of [
      ['count', '--by', 'zzz', ZOO],
      ['count', ZOO, 'state', 'XYZZY'],
      ['simulate', 'qqq'],
      ['count', '--bogus'],
    ]) {
      const r = await runMain(args);
      assert.equal(r.code, 2);
      assert.doesNotMatch(r.stderr, /did you mean/);
    }
  });
});

describe('count --csv', () => {
  test('every state and the total under a state,count header, as --json counts them', async () => {
    const r = await runMain(['count', '--csv', ZOO]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse((await runMain(['count', '--json', ZOO])).stdout) as { states: Record<string, number>; total: number };
    const rows = parseCsv(r.stdout);
    assert.deepEqual(rows[0], ['state', 'count']);
    assert.deepEqual(Object.fromEntries(rows.slice(1, -1).map(([s, n]) => [s, Number(n)])), j.states);
    assert.deepEqual(rows.at(-1), ['TOTAL', String(j.total)]);
    assert.equal((await runMain(['count', '--format', 'csv', ZOO])).stdout, r.stdout);
  });

  test('--by: a row per group, a column per state', async () => {
    const r = await runMain(['count', '--by', 'lport', '--top', '3', '--csv', ZOO]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse((await runMain(['count', '--by', 'lport', '--top', '3', '--json', ZOO])).stdout) as {
      states: Record<string, number>;
      total: number;
      groups: { key: string; states: Record<string, number>; total: number }[];
    };
    const rows = parseCsv(r.stdout);
    const head = rows[0]!;
    assert.equal(head[0], 'LPORT');
    assert.equal(head.at(-1), 'TOTAL');
    const states = head.slice(1, -1);
    assert.ok(states.includes('CLOSING') && states.includes('LISTEN'), 'every state a column, used or not');
    assert.equal(rows.length, j.groups.length + 2);
    j.groups.forEach((g, k) => {
      const row = rows[k + 1]!;
      assert.equal(row.length, head.length);
      assert.equal(row[0], g.key);
      assert.deepEqual(
        states.map((s, c) => [s, Number(row[c + 1])]),
        states.map((s) => [s, g.states[s]]),
      );
      assert.equal(Number(row.at(-1)), g.total);
    });
    assert.deepEqual(rows.at(-1), ['TOTAL', ...states.map((s) => String(j.states[s])), String(j.total)]);
  });

  test('--hosts --csv: the fleet table, a row per host, as --hosts --json', async () => {
    const r = await runMain(['count', '--hosts', '--csv', ZOO, PASTE]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse((await runMain(['count', '--hosts', '--json', ZOO, PASTE])).stdout) as { hosts: { host: string; states: Record<string, number>; total: number }[] };
    const rows = parseCsv(r.stdout);
    const head = rows[0]!;
    assert.deepEqual([head[0], head.at(-2), head.at(-1)], ['HOST', 'TOTAL', 'FORMAT']);
    for (const h of j.hosts) {
      const row = rows.find((x) => x[0] === h.host)!;
      assert.ok(row, h.host);
      for (const [c, s] of head.slice(1, -2).entries()) assert.equal(Number(row[c + 1]), h.states[s], `${h.host} ${s}`);
      assert.equal(Number(row.at(-2)), h.total);
    }
    const grouped = parseCsv((await runMain(['count', '--hosts', '--csv', '--group', 'zoo=proc-*', ZOO, PASTE])).stdout);
    assert.equal(grouped[0]![0], 'GROUP');
    assert.ok(grouped.some((row) => row[0] === 'zoo' && /^subtotal/.test(row[1]!)));
  });
});

/** Each segment label's box (in its rotated frame) and every arrow and timeline of a sequence SVG. */
function labelCrossings(svg: string): string[] {
  const lines = [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"/g)].map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);
  const found: string[] = [];
  for (const g of svg.matchAll(
    /<g class="segment"[^>]*><line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"[^>]*\/><text x="([\d.]+)" y="([\d.]+)"[^>]*transform="rotate\(([\d.]+) ([\d.]+) ([\d.]+)\)">([^<]*)<\/text>/g,
  )) {
    const own = g.slice(1, 5).map(Number);
    const [tx, ty, deg, cx, cy] = g.slice(5, 10).map(Number) as [number, number, number, number, number];
    const label = g[10]!;
    // The text's box before rotation: centred on tx, baseline ty; DejaVu Sans at 12.5px is
    // at most ~7.5px a character, 9.5px above the baseline and 3px below, plus its 2px halo.
    const half = (label.length * 7.5) / 2 + 2;
    const top = ty - 11.5;
    const bottom = ty + 5;
    const t = (-deg * Math.PI) / 180;
    for (const l of lines) {
      if (l.every((v, k) => v === own[k])) continue;
      for (let k = 0; k <= 1000; k++) {
        const x = l[0] + ((l[2] - l[0]) * k) / 1000;
        const y = l[1] + ((l[3] - l[1]) * k) / 1000;
        // Undo the rotation about (cx, cy) to compare with the unrotated box.
        const u = cx + (x - cx) * Math.cos(t) - (y - cy) * Math.sin(t);
        const v = cy + (x - cx) * Math.sin(t) + (y - cy) * Math.cos(t);
        if (u > tx - half && u < tx + half && v > top && v < bottom) {
          found.push(`"${label}" crossed by the line ${l.join(',')}`);
          break;
        }
      }
    }
  }
  return found;
}

describe('sequence figures: no arrow crosses a segment label', () => {
  for (const figure of ['simultaneous-close', 'handshake', 'simultaneous-open']) {
    test(figure, async () => {
      const r = await runMain(['diagram', '--figure', figure, '--format', 'svg']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(/class="segment"/.test(r.stdout));
      assert.deepEqual(labelCrossings(r.stdout), []);
    });
  }
});

describe('diagram --counts says the number of sockets once', () => {
  const ROOT = join(REPO, 'test', 'fixtures', 'proc-zoo');
  for (const [format, lang, pick] of [
    ['svg', 'en', (o: string) => /class="subtitle">([^<]*)</.exec(o)?.[1]],
    ['svg', 'zh', (o: string) => /class="subtitle">([^<]*)</.exec(o)?.[1]],
    ['text', 'en', (o: string) => o.split('\n')[0]],
    ['dot', 'zh', (o: string) => /graph \[label="([^"]*)"/.exec(o)?.[1]],
  ] as [string, string, (o: string) => string | undefined][]) {
    test(`${format} (${lang})`, async () => {
      const n = (JSON.parse((await runMain(['count', '--json', '--proc-root', ROOT])).stdout) as { total: number }).total;
      const r = await runMain(['diagram', '--counts', '--proc-root', ROOT, '--format', format, '--lang', lang]);
      assert.equal(r.code, 0, r.stderr);
      const caption = pick(r.stdout);
      assert.ok(caption !== undefined, r.stdout.slice(0, 300));
      assert.ok(caption.includes(String(n)), caption);
      assert.equal(caption.split(String(n)).length - 1, 1, caption);
      assert.equal((caption.match(/sockets|套接字/g) ?? []).length, 1, caption);
      assert.ok(caption.includes('proc-zoo'), caption);
    });
  }
});

/** Columns a terminal gives a string: two for CJK and fullwidth forms. */
function columns(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6)
        ? 2
        : 1;
  }
  return w;
}

describe("explain's overview fits 80 columns", () => {
  const ROOT = join(REPO, 'test', 'fixtures', 'proc-zoo');
  for (const lang of ['en', 'zh']) {
    for (const extra of [['--proc-root', ROOT], ['--no-count']]) {
      test(`${lang} ${extra[0]}`, async () => {
        const r = await runMain(['explain', '--lang', lang, ...extra]);
        assert.equal(r.code, 0, r.stderr);
        const long = r.stdout.split('\n').filter((l) => columns(l) > 80);
        assert.deepEqual(long, []);
        // Every state still has its row, and its texts whole (wrapped, not cut).
        for (const s of ['CLOSE', 'LISTEN', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK']) assert.match(r.stdout, new RegExp(`^${s} `, 'm'));
        // Words are not cut: the long kernel names stay whole.
        for (const w of ['tcp_synack_retries', 'tcp_orphan_retries', 'tcp_fin_timeout']) assert.match(r.stdout, new RegExp(`\\b${w}\\b`));
      });
    }
  }
});
