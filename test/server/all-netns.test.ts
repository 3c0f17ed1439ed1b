/**
 * `serve --all-netns`: every namespace in /run/netns and of running processes, once each,
 * labelled; the test's zoo namespace appears under its name with ss's counts; a namespace
 * made after the start appears on the next scrape, and one deleted disappears.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listNamespaces } from '../../src/engine/namespaces.js';
import { KNOWN_CODES, parseState, stateLabel } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { Serve } from '../lib/prometheus.js';
import { parseSs } from '../lib/ss.js';

/** `tcpstate_sockets` of one namespace summed over families, by state label. */
function states(body: string, netns: string): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  const esc = netns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^tcpstate_sockets\\{netns="${esc}",state="([a-z_0-9]+)",family="ipv[46]"\\} (\\d+)$`, 'gm');
  let found = false;
  for (const m of body.matchAll(re)) {
    found = true;
    out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return found ? out : undefined;
}

describe('serve --all-netns', () => {
  let ns: Netns | undefined;
  let serve: Serve | undefined;
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('all');
    await ns.zoo();
    serve = await Serve.start(['--all-netns']);
  });
  after(async () => {
    await serve?.stop();
    ns?.destroy();
  });

  test("every namespace once, the zoo's under its name with ss's counts, zeros included", async (t) => {
    if (!kernelOrSkip(t, ['ss', 'nft'])) return;
    const refs = listNamespaces();
    assert.equal(new Set(refs.map((r) => r.label)).size, refs.length, 'labels are unique');
    assert.ok(refs.some((r) => r.label === ns!.name));
    const want: Record<string, number> = Object.fromEntries(KNOWN_CODES.map((c) => [stateLabel(c), 0]));
    for (const r of parseSs(ns!.run('ss', ['-tanH']))) want[stateLabel(parseState(r.state)!)]!++;
    const body = await (await fetch(serve!.url('/metrics'))).text();
    assert.deepEqual(states(body, ns!.name), want);
    assert.match(body, new RegExp(`^tcpstate_up\\{netns="${ns!.name}"\\} 1$`, 'm'));
    const api = (await (await fetch(serve!.url(`/api/v1/counts?netns=${ns!.name}`))).json()) as { netns: string; total: number };
    assert.equal(api.netns, ns!.name);
    assert.equal(
      api.total,
      Object.values(want).reduce((a, b) => a + b, 0),
    );
  });

  test('a namespace made after the start appears on the next scrape; deleted, it goes', async (t) => {
    if (!kernelOrSkip(t)) return;
    const late = Netns.create('late');
    try {
      const body = await (await fetch(serve!.url('/metrics'))).text();
      const s = states(body, late.name);
      assert.ok(s, 'the new namespace is served');
      assert.equal(
        Object.values(s!).reduce((a, b) => a + b, 0),
        0,
        'with no sockets, every state 0',
      );
    } finally {
      late.destroy();
    }
    const after = await (await fetch(serve!.url('/metrics'))).text();
    assert.equal(states(after, late.name), undefined);
  });
});
