/**
 * Role groups: shell-style host patterns, first match wins, unmatched hosts last, and the
 * subtotals add up to the total.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newCounts, total } from '../../src/model/count.js';
import { buildFleet, globMatch, parseGroupSpec } from '../../src/model/fleet.js';
import { TcpstateError } from '../../src/model/errors.js';

test('glob patterns match whole host names', () => {
  const yes: [string, string][] = [
    ['LVS*', 'LVS-1-1'],
    ['lvs_*', 'lvs_nginx'],
    ['web?', 'web1'],
    ['web[12]', 'web2'],
    ['*', 'x'],
    ['db.example.com', 'db.example.com'],
    ['web[!3]', 'web1'],
  ];
  const no: [string, string][] = [
    ['LVS*', 'lvs_nginx'],
    ['web?', 'web10'],
    ['web[12]', 'web3'],
    ['db.example.com', 'dbxexample.com'],
    ['web', 'web1'],
    ['web[!3]', 'web3'],
  ];
  for (const [p, h] of yes) assert.ok(globMatch(p, h), `${p} ~ ${h}`);
  for (const [p, h] of no) assert.ok(!globMatch(p, h), `${p} !~ ${h}`);
});

test('--group NAME=PATTERNS parses; anything else is a usage error', () => {
  assert.deepEqual(parseGroupSpec('lvs=LVS*, lvs_*'), { name: 'lvs', patterns: ['LVS*', 'lvs_*'] });
  for (const bad of ['lvs', '=web*', 'web=', 'a b=web*'])
    assert.throws(
      () => parseGroupSpec(bad),
      (e) => e instanceof TcpstateError && e.exitCode === 2,
    );
});

test('each host joins the first matching group; subtotals add up to the total', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ host: fc.constantFrom('web1', 'web2', 'web_slave', 'LVS-1-1', 'lvs_nginx', 'db1', 'other'), n: fc.nat({ max: 1000 }), s: fc.integer({ min: 1, max: 11 }) }), {
        maxLength: 20,
      }),
      (hs) => {
        const hosts = hs.map((h) => {
          const c = newCounts();
          c[h.s] = h.n;
          return { host: h.host, format: 'awk', file: 'f', line: 1, counts: c };
        });
        const f = buildFleet(hosts, [parseGroupSpec('db=*_slave,db*'), parseGroupSpec('web=web*'), parseGroupSpec('lvs=LVS*,lvs_*')]);
        assert.equal(
          f.groups.reduce((a, g) => a + g.hosts.length, 0),
          hosts.length,
        );
        assert.equal(
          f.groups.reduce((a, g) => a + total(g.counts), 0),
          total(f.counts),
        );
        for (const g of f.groups)
          for (const h of g.hosts) {
            const want = /_slave$|^db/.test(h.host) ? 'db' : /^web/.test(h.host) ? 'web' : /^LVS|^lvs_/.test(h.host) ? 'lvs' : undefined;
            assert.equal(g.name, want, h.host);
          }
        assert.ok(
          f.groups.slice(0, -1).every((g) => g.name !== undefined),
          'the ungrouped come last',
        );
      },
    ),
  );
});
