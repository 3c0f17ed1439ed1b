// Builds the optional netlink addon. It must never fail the install: without a compiler
// tcpstate runs on procfs (see README, "Without the native addon").
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native');
if (!existsSync(join(dir, 'binding.gyp'))) process.exit(0);
const gyp = ['node-gyp', 'rebuild', '--silent'];
const r = spawnSync('npx', ['--no-install', ...gyp], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
if (r.status !== 0) {
  process.stderr.write('tcpstate: native netlink addon not built (no compiler or Node headers?); tcpstate will read /proc instead.\n');
}
process.exit(0);
