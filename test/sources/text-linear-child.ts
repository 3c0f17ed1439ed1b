/**
 * The child of text-linear.test.ts: reads long adversarial lines (each format's tokens
 * repeated) with format detection and with every format forced, and matches long host names
 * against --group globs, at two sizes; prints one JSON line per case with the best of a few
 * runs at each size. A separate process, so that a pattern that backtracks without end is
 * killed by the test's timeout instead of hanging the test runner.
 */
import { buildFleet, parseGroupSpec } from '../../src/model/fleet.js';
import { newCounts } from '../../src/model/count.js';
import { parseCapture } from '../../src/sources/text/read.js';
import { FORMAT_NAMES } from '../../src/sources/text/registry.js';

const SOCKET = 'ESTAB 0 0 1.2.3.4:80 1.2.3.4:81 ';
const NETSTAT = 'tcp        0      0 10.0.0.1:80     10.0.0.2:5000    ESTABLISHED ';

/** Lines as head + fill repeated + tail. */
export const CASES: [string, string, string][] = [
  ['ESTAB', ' ', ''],
  ['ESTAB', ' ', 'x'],
  ['ESTAB:', ' ', ''],
  ['', ' ', '5 ESTAB'],
  ['ESTAB', '0 ', ''],
  ['==>', ' ', ''],
  ['==>', ' ', 'x <=='],
  ['[root@h', ' ', ']# ss'],
  ['[root@h ~', ']', 'x'],
  ['root@h:', 'a ', '#'],
  ['h:~ ', 'a', ''],
  ['$ ', 'a/', 'netstat'],
  ['$ netstat ', '-a ', '| x'],
  ['C:\\>netstat ', '-a ', '!'],
  ['$ cat ', 'a ', 'net/tc'],
  ['tcp        0      0 ', 'x ', ''],
  [NETSTAT, 'x ', ''],
  ['tcp        0      0 ', ':', ' 1.2.3.4:5 ESTABLISHED'],
  ['tcp6       0      0 ', '1:', '1 ::1:2 ESTABLISHED'],
  [`${SOCKET}users:((`, '("a",pid=1,fd=2),', '))'],
  [SOCKET, 'users:((', ''],
  [`${SOCKET}timer:(on,`, 'x', ''],
  [SOCKET, 'skmem:(', ''],
  [SOCKET, 'rtt:1', ''],
  ['\t', 'a:b ', ''],
  ['  0: 0100007F:0016 ', 'x', ''],
  ['  sl local_address rem_address st ', ' ', 'drops'],
  ['tcp4 0 0 ', '1.', ' *.* LISTEN'],
  ['TCP ', '[::1]:', ''],
  [' [', 'a', ']'],
  ['{"schema"', ' ', ': "tcpstate.ls/1"'],
  ['[', '[', ''],
  ['Active ', 'x ', ''],
  ['Proto Recv-Q Send-Q Local Address Foreign Address State ', 'User ', 'Inode'],
  ['', '\u00a0', ''],
  ['', '\u201c', 'x'],
  ['', 'a', ''],
];

function line(c: [string, string, string], n: number): string {
  const [head, fill, tail] = c;
  return head + fill.repeat(Math.ceil(n / fill.length)) + tail;
}

/** CPU milliseconds (not elapsed: on a busy machine, waiting for a core is not the code's time). */
function ms(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

/** Every way a capture is read: detected, and each format forced. */
function readAll(text: string): void {
  const bytes = Buffer.from(`${text}\n`);
  for (const format of [undefined, ...FORMAT_NAMES]) {
    try {
      parseCapture(bytes, 'long.txt', { format });
    } catch (e) {
      if ((e as { code?: string }).code === undefined) throw e;
    }
  }
}

const [n1, n2] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 200_000)];
const out = (name: string, f: (n: number) => void) => {
  // The best of three, the sizes taken in turn (a busy machine slows both alike); one is
  // enough where the times are large against the noise.
  let a = ms(() => f(n1));
  let b = ms(() => f(n2));
  for (let r = 1; r < 3 && a < 200; r++) {
    a = Math.min(
      a,
      ms(() => f(n1)),
    );
    b = Math.min(
      b,
      ms(() => f(n2)),
    );
  }
  process.stdout.write(`${JSON.stringify({ name, n1, n2, ms1: a, ms2: b })}\n`);
};
for (const c of CASES) out(`read ${JSON.stringify(c)}`, (n) => readAll(line(c, n)));
// Host names as long as a line (from a `==> name <==` header), against globs with many stars.
const specs = ['*a*a*a*a*a*a*b', '?*?*?*[ab]*x', '*[!a]*'].map((p) => parseGroupSpec(`g=${p}`));
out('glob', (n) => {
  buildFleet([{ host: 'a'.repeat(n), format: 'ss', file: 'f', line: 1, counts: newCounts() }], specs);
});
