// Builds the optional netlink addon (native/) with node-gyp. It must never fail the
// install: on any problem it prints one line and tcpstate reads /proc instead (README,
// "Without the native addon"). TCPSTATE_SKIP_NATIVE=1 skips the build.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'native');
const say = (why) => {
  process.stderr.write(`tcpstate: native netlink addon not built (${why}); tcpstate will read /proc instead.\n`);
  process.exit(0);
};

/** node-gyp's entry script: npm's own copy first (npm bundles it), then a dependency. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    // .../npm/bin/npm-cli.js → .../npm/node_modules/node-gyp/bin/node-gyp.js
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const prefix = join(dirname(process.execPath), '..');
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const from of [join(root, 'package.json'), join(prefix, 'lib', 'node_modules', 'npm', 'package.json')]) {
    try {
      candidates.push(createRequire(from).resolve('node-gyp/bin/node-gyp.js'));
    } catch {
      /* not there */
    }
  }
  return candidates.find((c) => existsSync(c));
}

if (process.env.TCPSTATE_SKIP_NATIVE === '1') say('TCPSTATE_SKIP_NATIVE=1');
if (process.platform !== 'linux') say('netlink is Linux only');
if (!existsSync(join(dir, 'binding.gyp'))) process.exit(0);
const gyp = findNodeGyp();
if (!gyp) say('node-gyp not found');
const args = [gyp, 'rebuild', '--loglevel=silent'];
// Build against the headers installed beside this node, never a download (no network here).
const prefix = join(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000, encoding: 'utf8' });
if (r.status !== 0 || !existsSync(join(dir, 'build', 'Release', 'tcpstate_netlink.node'))) {
  const last = (r.stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error/i.test(l))
    .pop();
  say(r.error ? r.error.message : `node-gyp failed${last ? `: ${last.slice(0, 160)}` : ''}; no compiler or Node headers?`);
}
