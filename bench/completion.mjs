// `tcpstate completion bash` against `tcpstate --version` (the floor: Node and the main
// bundle), with the reference the build saves (dist/src/cli/reference.json) and without it
// (every command loaded for its --help, as before). Whole process, N runs each, medians of
// wall time and of CPU (user + sys, from /usr/bin/time). Run after `npm run build`.
import { spawnSync } from 'node:child_process';
import { renameSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'tcpstate.js');
const ref = join(root, 'dist', 'src', 'cli', 'reference.json');
const N = Number(process.argv[2] ?? 15);

function once(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, cli, ...args], { encoding: 'utf8' });
  const [wall, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
function measure(name, args) {
  const runs = Array.from({ length: N }, () => once(args));
  console.log(`${name.padEnd(34)} wall ${median(runs.map((r) => r.wall)).toFixed(2)} s  cpu ${median(runs.map((r) => r.cpu)).toFixed(2)} s  (runs: ${runs.map((r) => r.wall.toFixed(2)).join(' ')})`);
}
if (!existsSync(ref)) throw new Error(`${ref} missing: npm run build first`);
console.log(
  `node ${process.version}, ${N} runs each, load ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
measure('--version', ['--version']);
measure('completion bash (saved reference)', ['completion', 'bash']);
renameSync(ref, `${ref}.off`);
try {
  measure('completion bash (no saved reference)', ['completion', 'bash']);
} finally {
  renameSync(`${ref}.off`, ref);
}
