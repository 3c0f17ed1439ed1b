/**
 * count's and ls's result assembly in the library (src/report/): the CLI's `count --json` and
 * `ls --json`, serve's documents and the library's own calls give one document from one
 * place, on the captured proc tree test/fixtures/proc-zoo; errors name option keys, or the
 * CLI's flags when it asks.
 */
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FLAG_NAMES } from '../../src/cli/option-names.js';
import { countDocument as sampleCountDocument, socketsDocument } from '../../src/engine/documents.js';
import type { Sample } from '../../src/engine/sampler.js';
import type { CountDocument, LsDocument } from '../../src/model/documents.js';
import { isTcpstateError } from '../../src/model/errors.js';
import { ALL_MASK, CLOSE_WAIT, ESTABLISHED, LISTEN, stateName } from '../../src/model/state.js';
import { countDocument, countLiveTable, countPlan, countTable, DEFAULT_TOP } from '../../src/report/count.js';
import { liveListing, lsDocument, lsOrder, orderListing, selectSockets } from '../../src/report/ls.js';
import { filterOption } from '../../src/report/options.js';
import { liveSnapshot, scanOptions } from '../../src/snapshot.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const ROOT = join(REPO, 'test', 'fixtures', 'proc-zoo');
const scan = scanOptions({ procRoot: ROOT, tcp: true, udp: false, v4: true, v6: true, states: ALL_MASK, config: DEFAULT_CONFIG });

/** A sample as serve's sampler hands it over, of the captured tree's rows. */
async function sample(): Promise<Sample> {
  const snap = await liveSnapshot('proc', scan);
  return { table: snap.table, source: snap.source, warnings: snap.warnings, notices: [], takenAt: 0, atMs: 0, scanMs: 0, totalMs: 0 };
}

/** The field an error names. */
function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    assert.ok(isTcpstateError(e), String(e));
    return e.where.field;
  }
  assert.fail('no error');
}

test('count --by lport --top 3 --json: the CLI, the library and serve write one document', async () => {
  const cli = await runMain(['count', '--proc-root', ROOT, '-a', '--by', 'lport', '--top', '3', '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as CountDocument;
  const plan = countPlan({ by: 'lport', top: 3 });
  const live = await countLiveTable('proc', scan, plan, undefined, { statesOnly: true });
  const lib = countDocument(live.report, { source: live.source, warnings: live.warnings });
  assert.deepEqual(printed, JSON.parse(JSON.stringify(lib)));
  assert.equal(printed.groups!.length, 4, 'three groups and "other (N)"');
  assert.match(printed.groups![3]!.key, /^other \(\d+\)$/);
  const served = sampleCountDocument(await sample(), { by: 'lport', top: 3 });
  const { netns: _n, takenAt: _t, sampleMs: _s, ...doc } = served;
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), printed);
  // The states' sum is the socket count; every group's too.
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  assert.equal(sum(printed.states), printed.total);
  assert.equal(
    printed.groups!.reduce((a, g) => a + g.total, 0),
    printed.total,
  );
});

test("count with a filter: serve's filter key and the CLI's filter words count the same sockets", async () => {
  const cli = await runMain(['count', '--proc-root', ROOT, '--json', 'state', 'established', 'state', 'close-wait']);
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as CountDocument;
  const { keep } = filterOption('state established state close-wait');
  const served = countTable((await sample()).table!, countPlan({}), keep);
  assert.equal(printed.states[stateName(ESTABLISHED)], served.counts[ESTABLISHED]);
  assert.equal(printed.states[stateName(CLOSE_WAIT)], served.counts[CLOSE_WAIT]);
  assert.equal(printed.states[stateName(LISTEN)], 0);
  assert.ok(printed.total > 0);
});

test("ls --json and serve's sockets document list the same sockets from one builder", async () => {
  const cli = await runMain(['ls', '--proc-root', ROOT, '-a', '--sort', 'lport', '--top', '5', '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as LsDocument;
  const snap = await liveListing('proc', scan, undefined, { processes: false, parallel: false });
  const lib = lsDocument(orderListing(snap.table, lsOrder({ sort: 'lport', top: 5 }, false)), { source: snap.source, warnings: snap.warnings });
  assert.deepEqual(printed, JSON.parse(JSON.stringify(lib)));
  assert.equal(printed.sockets.length, 5);
  const s = await sample();
  const served = socketsDocument(s, { filter: 'state listening', limit: 2 });
  const { table, matched } = selectSockets(s.table!, filterOption('state listening').keep, 2);
  assert.equal(served.matched, matched);
  assert.equal(served.truncated, matched > 2);
  assert.deepEqual(served.sockets, lsDocument(table, { source: s.source, warnings: [] }).sockets);
  assert.ok(served.sockets.every((r) => r.state === stateName(LISTEN)));
});

test('errors name option keys; the CLI gets its flags', async () => {
  assert.equal(
    fieldOf(() => countPlan({ top: 3 })),
    'top',
  );
  assert.equal(
    fieldOf(() => countPlan({ top: 3 }, FLAG_NAMES)),
    '--top',
  );
  assert.equal(
    fieldOf(() => countPlan({ by: 'lprot' })),
    'by',
  );
  assert.equal(
    fieldOf(() => countPlan({ by: 'lprot' }, FLAG_NAMES)),
    '--by',
  );
  assert.equal(
    fieldOf(() => lsOrder({ sort: 'process' }, false)),
    'sort',
  );
  assert.equal(
    fieldOf(() => lsOrder({ sort: 'bogus' }, true)),
    'sort',
  );
  assert.equal(
    fieldOf(() => filterOption('state bogus')),
    'filter',
  );
  const s = await sample();
  assert.equal(
    fieldOf(() => sampleCountDocument(s, { top: 5 })),
    'top',
  );
  assert.deepEqual(countPlan({ by: 'lport' }), { by: 'lport', key: { by: 'lport' }, top: DEFAULT_TOP });
  const cli = await runMain(['count', '--proc-root', ROOT, '--top', '3']);
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /--top N picks the largest groups of --by: --by KEY --top N/);
  const ls = await runMain(['ls', '--proc-root', ROOT, '--sort', 'process']);
  assert.equal(ls.code, 2);
  assert.match(ls.stderr, /--sort process needs the owners: add -p/);
});
