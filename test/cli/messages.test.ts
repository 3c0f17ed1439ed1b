/**
 * Messages that quote input reach the terminal as text: control characters (a capture
 * holding `ESC ] 0 ; ... BEL` would retitle the terminal) are written as visible escapes,
 * and a long quoted excerpt is cut. Checked on the formatting functions and on the bytes the
 * built CLI writes to stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { capExcerpts, describeAt, escapeControls, osReason, TcpstateError } from '../../src/model/errors.js';
import { runMain } from '../lib/cli.js';
import { CLI, REPO } from '../lib/netns.js';

const TITLE = '\x1b]0;pwned\x07';
const SEEN = '\\x1b]0;pwned\\x07';

/** Every byte of stderr is printable or a newline. */
function clean(stderr: Buffer): void {
  for (const [i, b] of stderr.entries()) assert.ok(b === 0x0a || (b >= 0x20 && b !== 0x7f), `raw byte 0x${b.toString(16)} at ${i} of ${JSON.stringify(stderr.toString())}`);
  assert.doesNotMatch(stderr.toString(), /[\x80-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u);
}

function cli(args: string[]): { status: number | null; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync(process.execPath, [CLI, ...args], { timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('escapeControls: C0 but newline, DEL, C1, separators, bidi controls and lone surrogates made visible', () => {
  assert.equal(escapeControls(`a${TITLE}b`), `a${SEEN}b`);
  assert.equal(escapeControls('tab\there\r\n\x00\x7f'), 'tab\\there\\r\n\\x00\\x7f');
  assert.equal(escapeControls('\u009b31m \u0085'), '\\u009b31m \\u0085');
  assert.equal(escapeControls('\u202eevil\u2066 \u2028'), '\\u202eevil\\u2066 \\u2028');
  assert.equal(escapeControls('lone \ud800 and \udc00 end\ud83d'), 'lone \\ud800 and \\udc00 end\\ud83d');
  // What is text stays as it is: a pair, CJK, Latin-1 letters, the replacement character.
  for (const s of ['😀 状态 café ÿ \ufffd "q" \\x1b', '']) assert.equal(escapeControls(s), s);
  const once = escapeControls(`${TITLE}\u009b\ud800`);
  assert.equal(escapeControls(once), once, 'idempotent');
});

test('capExcerpts: a long quoted excerpt is cut with its length; a long line is cut in the middle', () => {
  const short = 'found "ESTAB"';
  assert.equal(capExcerpts(short), short);
  const long = `expected ADDRESS:PORT, found "${'9'.repeat(200_000)}"`;
  assert.equal(capExcerpts(long), `expected ADDRESS:PORT, found "${'9'.repeat(80)}…" (200000 characters)`);
  const bare = `x${' '.repeat(200_000)}y; expected a state`;
  const cut = capExcerpts(bare);
  assert.ok(cut.length < 1000, `${cut.length}`);
  assert.match(cut, /^x {599} … \(199220 characters cut\) … {182}y; expected a state$/);
  // A surrogate pair is not split by the cut.
  const emoji = capExcerpts(`"${'😀'.repeat(100)}"`);
  assert.equal(escapeControls(emoji), emoji);
  // The error keeps the cut message; describeAt cuts and escapes warnings.
  assert.ok(new TcpstateError('ERR_PARSE', long).message.length < 200);
  assert.equal(describeAt({ file: `f${TITLE}`, line: 3 }, `bad "${TITLE}"`), `f${SEEN}:3: bad "${SEEN}"`);
});

test("osReason: an OS error's reason in words, from a Node error or the addon's (positive errno)", () => {
  assert.equal(osReason(Object.assign(new Error('x'), { code: 'ENOSPC', errno: -28 })), 'no space left on device');
  assert.equal(osReason(Object.assign(new Error('x'), { code: 'EIO', errno: 5 })), 'i/o error');
  assert.equal(osReason(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })), undefined);
  assert.equal(osReason(new TypeError('x')), undefined);
  assert.equal(osReason(undefined), undefined);
});

test('a capture holding a terminal title sequence: the message shows it, stderr holds no control byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-esc-'));
  try {
    const text = join(dir, 'netstat.txt');
    writeFileSync(text, `tcp 0 0 1.2.3.4:80 5.6.7.8:999 ESTABLISHED\ntcp 0 0 ${TITLE} 1.2.3.4:1 \u009b31m\n`);
    const warned = cli(['count', text]);
    assert.equal(warned.status, 0);
    assert.ok(warned.stderr.toString().includes(SEEN), warned.stderr.toString());
    assert.ok(warned.stderr.toString().includes('\\u009b31m'), warned.stderr.toString());
    clean(warned.stderr);
    const failed = cli(['count', '--input-format', 'ss', join(dir, 'netstat.txt')]);
    clean(failed.stderr);
    // In a file name too (a warning names the file).
    const named = join(dir, `cap${TITLE}.txt`);
    writeFileSync(named, `tcp 0 0 1.2.3.4:80 5.6.7.8:999 ESTABLISHED\nnonsense ${TITLE}\n`);
    const r = cli(['ls', named]);
    assert.ok(r.stderr.toString().includes(`cap${SEEN}.txt`), r.stderr.toString());
    clean(r.stderr);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a pcap and a doctor config holding a terminal title sequence: visible in the message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-esc-'));
  try {
    const cfg = join(dir, 'thresholds.json');
    writeFileSync(cfg, JSON.stringify({ [TITLE]: 1 }));
    const d = cli(['doctor', '--proc-root', join(REPO, 'test', 'fixtures', 'proc-doctor', 'root'), '--config', cfg]);
    assert.equal(d.status, 3);
    assert.ok(d.stderr.toString().includes(SEEN), d.stderr.toString());
    clean(d.stderr);
    // A pcap whose file name carries the sequence, and whose bytes are text with it.
    const pcap = join(dir, `x${TITLE}.pcap`);
    writeFileSync(pcap, `${TITLE}${TITLE}${TITLE}${TITLE}\n`);
    const p = cli(['pcap', pcap]);
    assert.equal(p.status, 1);
    assert.ok(p.stderr.toString().includes(`x${SEEN}.pcap`), p.stderr.toString());
    clean(p.stderr);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a line of 200,000 characters makes a one-line message, not 200 KB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-long-'));
  try {
    const f = join(dir, 'netstat.txt');
    writeFileSync(f, `tcp 0 0 1.2.3.4:80 5.6.7.8:999 ESTABLISHED\ntcp 0 0 1.2.3.4:80 ${'x'.repeat(200_000)} ESTABLISHED\n`);
    const r = cli(['count', f]);
    assert.equal(r.status, 1);
    assert.ok(r.stderr.length < 400, `${r.stderr.length} bytes: ${r.stderr.toString().slice(0, 400)}`);
    assert.match(r.stderr.toString(), /"x{80}…" \(200000 characters\)/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a command named like an Object property (constructor, __proto__) is an unknown command', async () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const r = await runMain([name]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^tcpstate: unknown command "${name}"`));
  }
  const d = await runMain(['diagram', '--figure', 'constructor']);
  assert.equal(d.code, 2);
});
