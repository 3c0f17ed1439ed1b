import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter, selector } from '../../src/model/filter.js';
import { TcpstateError } from '../../src/model/errors.js';
import { parseAddress, AF_INET, AF_INET6 } from '../../src/model/address.js';
import { ALL_MASK, ESTABLISHED, LISTEN, maskOf, SS_GROUPS, TIME_WAIT } from '../../src/model/state.js';
import { SocketTable } from '../../src/model/table.js';

function table(rows: [string, number, string, number, number][]): SocketTable {
  const t = new SocketTable();
  for (const [la, lp, ra, rp, st] of rows) {
    const i = t.add();
    const l = parseAddress(la)!;
    const r = parseAddress(ra)!;
    t.family[i] = l.family;
    t.laddr.set(l.bytes, i * 16);
    t.raddr.set(r.bytes, i * 16);
    t.lport[i] = lp;
    t.rport[i] = rp;
    t.state[i] = st;
    t.proto[i] = 6;
  }
  return t;
}

const T = table([
  ['10.0.0.1', 80, '192.0.2.7', 50000, ESTABLISHED],
  ['10.0.0.1', 443, '192.0.2.8', 50001, TIME_WAIT],
  ['0.0.0.0', 22, '0.0.0.0', 0, LISTEN],
  ['::1', 8080, '::1', 40000, ESTABLISHED],
  ['::ffff:10.9.9.9', 443, '::ffff:192.0.2.9', 1234, ESTABLISHED],
]);

function pick(words: string[], mask = ALL_MASK): number[] {
  const f = parseFilter(words);
  const keep = selector(f.states ?? mask, f.expr);
  const out: number[] = [];
  for (let i = 0; i < T.length; i++) if (keep(T, i)) out.push(i);
  return out;
}

test('state and exclude clauses, with groups', () => {
  assert.equal(parseFilter(['state', 'time-wait']).states, maskOf(TIME_WAIT));
  assert.equal(parseFilter(['state', 'TIME_WAIT', 'state', 'established']).states, maskOf(TIME_WAIT, ESTABLISHED));
  assert.equal(parseFilter(['exclude', 'listening']).states, ALL_MASK & ~maskOf(LISTEN));
  assert.equal(parseFilter(['state', 'connected']).states, SS_GROUPS['connected']);
  assert.deepEqual(pick(['state', 'established']), [0, 3, 4]);
});

test('expressions: ports, addresses, and/or/not, parentheses', () => {
  assert.deepEqual(pick(['sport = :80']), [0]);
  assert.deepEqual(pick(['sport', '=', ':443']), [1, 4]);
  assert.deepEqual(pick(['dport != :50000']), [1, 2, 3, 4]);
  assert.deepEqual(pick(['sport >= :443']), [1, 3, 4]);
  assert.deepEqual(pick(['src 10.0.0.0/8']), [0, 1, 4], 'IPv4 prefix matches mapped addresses');
  assert.deepEqual(pick(['dst [::1]']), [3]);
  assert.deepEqual(pick(['dst', '192.0.2.0/24', 'and', 'not', 'sport', '=', ':80']), [1, 4]);
  assert.deepEqual(pick(['( sport = :80 or sport = :22 )']), [0, 2]);
  assert.deepEqual(pick(['(sport = :80 || sport = :22) && dst 192.0.2.7']), [0]);
  assert.deepEqual(pick(['src 10.0.0.1:443']), [1]);
  assert.deepEqual(pick(['dst', '!=', '192.0.2.0/24']), [2, 3]);
  assert.deepEqual(pick(['sport = :https']), [1, 4]);
  assert.deepEqual(pick(['state', 'established', 'sport', '=', ':443']), [4]);
  assert.deepEqual(pick(['sport = :80 dst 192.0.2.7']), [0], 'juxtaposition means and');
});

test('malformed filters name the token and its position', () => {
  const cases: [string[], RegExp, number][] = [
    [['state', 'bogus'], /unknown state "bogus" at token 2/, 2],
    [['state'], /needs a state name/, 1],
    [['sport', '=', ':99999'], /bad port ":99999" at token 3/, 3],
    [['(', 'sport', '=', ':80'], /expected "\)"/, 5],
    [['dst', '10.0.0.0/40'], /bad address "10.0.0.0\/40" at token 2/, 2],
    [['sport', '=', ':80', ')'], /unexpected "\)" at token 4/, 4],
    [['frobnicate'], /unexpected "frobnicate" at token 1/, 1],
    [['src', '<', '10.0.0.1'], /does not apply to addresses/, 2],
  ];
  for (const [words, re, pos] of cases) {
    assert.throws(
      () => parseFilter(words),
      (e: unknown) => {
        assert.ok(e instanceof TcpstateError, String(e));
        assert.match(e.message, re);
        assert.equal(e.where.position, pos, words.join(' '));
        assert.equal(e.exitCode, 2);
        return true;
      },
    );
  }
});

test('family of the table is respected', () => {
  assert.equal(T.family[3], AF_INET6);
  assert.equal(T.family[0], AF_INET);
});
