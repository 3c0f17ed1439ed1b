/**
 * A healthy namespace: listeners and idle established connections (the zoo's listen and
 * est scenarios). No finding, "no problems found" with what was checked, exit 0.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { RULES } from '../../src/doctor/registry.js';
import { doctorIn, runTcpstate } from '../lib/doctor.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

test('a healthy namespace yields no finding and exit 0', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('ok');
  try {
    const zoo = await ns.zoo(['--only', 'listen,est', '--repeat', '3']);
    assert.equal(zoo.expect['ESTABLISHED'], 12);
    const r = await doctorIn(ns);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json.worst, 'ok');
    assert.deepEqual(r.json.findings, []);
    assert.deepEqual(
      r.json.checks.map((c) => c.id),
      Object.keys(RULES),
    );
    assert.ok(
      r.json.checks.every((c) => c.status !== 'skipped'),
      'every rule ran inside the namespace',
    );
    assert.equal(r.json['samples'], 2);
    assert.equal(r.json['where'], `network namespace ${ns.name}`);

    const text = await runTcpstate(['doctor', '--netns', ns.name, '--interval', '0.2'], false);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^tcpstate doctor: network namespace \S+, (proc|netlink) source, 2 samples \d+\.\d s apart\nNo problems found\.\n/);
    for (const id of Object.keys(RULES)) assert.match(text.stdout, new RegExp(`^  ${id}: checked`, 'm'));
  } finally {
    ns.destroy();
  }
});

test('doctor inside a namespace by ip netns exec equals doctor --netns', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('okx');
  try {
    await ns.zoo(['--only', 'listen,est']);
    const direct = JSON.parse(ns.run(process.execPath, [new URL('../../../bin/tcpstate.js', import.meta.url).pathname, 'doctor', '--json', '--interval', '0'])) as {
      findings: unknown[];
      checks: unknown[];
      inputs: { sysctls: unknown };
    };
    const via = await doctorIn(ns, ['--interval', '0']);
    assert.deepEqual(direct.findings, via.json.findings);
    assert.deepEqual(direct.checks, via.json.checks);
    assert.deepEqual(direct.inputs.sysctls, (via.json['inputs'] as { sysctls: unknown }).sysctls);
  } finally {
    ns.destroy();
  }
});

test('doctor --netns of a namespace that does not exist: exit 3, a message', () => {
  return runTcpstate(['doctor', '--netns', 'tcst-no-such-ns-0'], false).then((r) => {
    assert.equal(r.code, 3);
    assert.match(r.stderr, /tcst-no-such-ns-0/);
  });
});
