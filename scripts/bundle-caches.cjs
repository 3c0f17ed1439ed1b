// Makes the command bundles' V8 code caches (run by scripts/bundle.mjs with the Node that
// runs tcpstate: a cache from another version is rejected, harmlessly). A cache written
// right after a bundle's top level has run holds only that: every function a command then
// calls is compiled on its first call, in every run. So the commands first run here, on the
// repository's own captures, output discarded, and each cache is written after them with
// those functions compiled in; then the commands that did not run are loaded, for a cache
// of their top level.
//
//   node scripts/bundle-caches.cjs DIST_CLI_DIR REPO COMMAND...
'use strict';
const { join } = require('node:path');

const [dir, repo, ...commands] = process.argv.slice(2);
const { main, __tcpstate_bundles: bundles } = require(join(dir, 'main.bundle.cjs'));
const fixture = (...p) => join(repo, 'test', 'fixtures', ...p);
const netstat = fixture('text', 'netstat-n.txt');
const ss = fixture('text', 'ss-tan.txt');
/** What users run most: captures counted and listed, the explanations and figures. */
const LINES = [
  ['count', netstat],
  ['count', ss],
  ['count', '--by', 'lport', netstat],
  ['ls', netstat],
  ['ls', ss],
  ['explain', '--no-count'],
  ['explain', 'CLOSE_WAIT', '--no-count'],
  ['diagram'],
  ['simulate', 'client-close'],
  ['diff', netstat, ss],
  ['pcap', fixture('pcap', 'be-us.pcap')],
  ['completion', 'bash'],
  ...commands.map((c) => [c, '--help']),
];
const io = {
  out() {},
  outBytes() {},
  err() {},
  env: { ...process.env, TCPSTATE_LANG: 'en' },
  argOffset: 0,
  stdin: async () => Buffer.alloc(0),
  stdinIsTty: () => false,
  stdoutIsTty: () => false,
};

(async () => {
  bundles.makeCaches();
  for (const argv of LINES) await main(argv, io);
  bundles.writeCaches(commands);
  process.exit(0);
})();
