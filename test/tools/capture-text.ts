/**
 * Make the committed fixtures of test/fixtures/text/: run the socket zoo in a fresh
 * namespace, take every capture of test/lib/captures.ts between two agreeing live
 * snapshots, and write the captures, the live table (`live.json`) and `manifest.json`
 * (commands, tool versions, kernel). Needs root.
 *
 *   npx tsc -p . && node dist/test/tools/capture-text.js test/fixtures/text
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURES, takeCaptures, toolVersions, ZOO_ARGS } from '../lib/captures.js';
import { Netns } from '../lib/netns.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node dist/test/tools/capture-text.js DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const ns = Netns.create('fix');
try {
  const zoo = await ns.zoo([...ZOO_ARGS, '--ttl', '60']);
  const taken = takeCaptures(ns);
  for (const c of CAPTURES) writeFileSync(join(dir, `${c.name}.txt`), taken.texts[c.name]!);
  writeFileSync(join(dir, 'live.json'), taken.liveJson);
  const manifest = {
    made: new Date().toISOString().slice(0, 10),
    versions: toolVersions(),
    zoo: { args: ZOO_ARGS, pid: zoo.pid, expect: zoo.expect },
    captures: CAPTURES.map((c) => ({ ...c, file: `${c.name}.txt`, command: c.argv[0] === 'sh' ? c.argv[2] : c.argv.join(' ') })),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${CAPTURES.length} captures, live.json and manifest.json to ${dir}`);
} finally {
  ns.destroy();
}
