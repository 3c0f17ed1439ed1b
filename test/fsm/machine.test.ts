import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_IDS, EVENTS, parseEvent, arrivalEvents } from '../../src/fsm/events.js';
import { allowed, describeState, findRow, type FsmState, type Profile, step } from '../../src/fsm/machine.js';
import { FSM_STATES, ROWS } from '../../src/fsm/rfc9293.js';
import { isTcpstateError } from '../../src/model/errors.js';
import { KNOWN_CODES, parseState, SYN_RECV, type StateCode } from '../../src/model/state.js';

const PROFILES: Profile[] = ['linux', 'rfc'];

/** Replay a path written as the seed writes it: STATE->STATE->..., with the event for each arrow. */
function replay(path: string, events: string[], profile: Profile = 'linux'): void {
  const names = path.split('->');
  let st: FsmState = { code: parseState(names[0]!)! };
  assert.equal(events.length, names.length - 1, 'one event per arrow');
  for (let i = 0; i < events.length; i++) {
    const r = step(st, parseEvent(events[i]!)!, { profile });
    const want = parseState(names[i + 1]!);
    assert.ok(want !== undefined, `state ${names[i + 1]} parses`);
    assert.equal(r.next.code, want, `${path}: step ${i + 1} (${events[i]}) from ${describeState(st)} went to ${describeState(r.next)}`);
    st = r.next;
  }
}

test('rows name known states and events, and every event is used', () => {
  for (const row of ROWS) {
    for (const c of row.from) assert.ok(FSM_STATES.includes(c), `row ${row.id}: state ${c}`);
    if (row.to !== 'same') assert.ok(FSM_STATES.includes(row.to), `row ${row.id}: to ${row.to}`);
    for (const e of row.events) assert.ok(EVENT_IDS.includes(e), `row ${row.id}: event ${e}`);
    assert.match(row.rfc, /^\d/, `row ${row.id} cites an RFC 9293 section`);
    if (row.only === 'linux') assert.ok(row.linux, `Linux-only row ${row.id} says what Linux does`);
  }
  for (const e of EVENTS)
    assert.ok(
      ROWS.some((r) => r.events.includes(e.id)),
      `event ${e.id} has a row`,
    );
  assert.equal(new Set(ROWS.map((r) => r.id)).size, ROWS.length, 'row ids are unique');
  // The machine's states are the kernel's, less UNKNOWN.
  assert.deepEqual([...FSM_STATES].sort(), [...KNOWN_CODES].sort());
});

test('at most one row per (state, origin, event) and profile: the machine is deterministic', () => {
  for (const profile of PROFILES) {
    for (const code of FSM_STATES) {
      const states: FsmState[] =
        code === SYN_RECV
          ? [
              { code, origin: 'passive' },
              { code, origin: 'active' },
            ]
          : [{ code }];
      for (const st of states) {
        for (const e of EVENT_IDS) {
          const rows = ROWS.filter((r) => (r.only === undefined || r.only === profile) && r.from.includes(st.code) && r.events.includes(e) && (r.origin === undefined || r.origin === st.origin));
          assert.ok(rows.length <= 1, `${describeState(st)} + ${e} (${profile}): rows ${rows.map((r) => r.id).join(', ')}`);
          assert.equal(findRow(st, e, { profile })?.id, rows[0]?.id);
        }
      }
    }
  }
});

test('seed 2.4.4: the client path replays', () => {
  replay('CLOSED->SYN_SENT->ESTABLISHED->FIN_WAIT_1->FIN_WAIT_2->TIME_WAIT->CLOSED', ['active-open', 'rcv-syn-ack', 'close', 'rcv-ack-of-fin', 'rcv-fin', 'timeout-2msl']);
});

test('seed 2.4.5: the server path replays', () => {
  replay('CLOSED->LISTEN->SYN_RECVD->ESTABLISHED->CLOSE_WAIT->LAST_ACK->CLOSED', ['passive-open', 'rcv-syn', 'rcv-ack', 'rcv-fin', 'close', 'rcv-ack-of-fin']);
});

test('seed 2.4.6: the five other transitions replay (item 1 only under RFC 9293)', () => {
  // 1) LISTEN->SYN_SENT: RFC 9293 allows it; Linux refuses connect() on a listener.
  replay('CLOSED->LISTEN->SYN_SENT', ['passive-open', 'active-open'], 'rfc');
  replay('CLOSED->LISTEN->SYN_SENT', ['passive-open', 'send'], 'rfc');
  assert.throws(
    () => step({ code: parseState('LISTEN')! }, 'active-open'),
    (e: unknown) => isTcpstateError(e) && e.code === 'ERR_EVENT' && /RFC 9293 only/.test(e.message) && /EISCONN/.test(e.message),
  );
  for (const p of PROFILES) {
    // 2) SYN_SENT->SYN_RECVD on a SYN (simultaneous open)
    replay('CLOSED->SYN_SENT->SYN_RECVD->ESTABLISHED', ['active-open', 'rcv-syn', 'rcv-syn-ack'], p);
    // 3) SYN_SENT->CLOSED on a timeout
    replay('CLOSED->SYN_SENT->CLOSED', ['active-open', 'retrans-giveup'], p);
    // 4) SYN_RECVD->LISTEN on a RST (passive origin only)
    replay('CLOSED->LISTEN->SYN_RECVD->LISTEN', ['passive-open', 'rcv-syn', 'rcv-rst'], p);
    replay('CLOSED->SYN_SENT->SYN_RECVD->CLOSED', ['active-open', 'rcv-syn', 'rcv-rst'], p);
    // 5) SYN_RECVD->FIN_WAIT_1 on CLOSE
    replay('CLOSED->LISTEN->SYN_RECVD->FIN_WAIT_1', ['passive-open', 'rcv-syn', 'close'], p);
  }
});

test('SYN_RECV remembers its origin; a bare code is passive', () => {
  const passive = step({ code: parseState('LISTEN')! }, 'rcv-syn').next;
  const active = step({ code: parseState('SYN_SENT')! }, 'rcv-syn').next;
  assert.deepEqual(passive, { code: SYN_RECV, origin: 'passive' });
  assert.deepEqual(active, { code: SYN_RECV, origin: 'active' });
  assert.equal(step(SYN_RECV, 'rcv-rst').next.code, parseState('LISTEN'));
  assert.equal(step(12 as StateCode, 'rcv-rst').next.code, parseState('LISTEN'), 'NEW_SYN_RECV is a passive SYN_RECV');
});

test('Linux-only rows exist only under the linux profile', () => {
  const fw2 = parseState('FIN_WAIT2')!;
  assert.equal(step(fw2, 'fin-timeout').next.code, parseState('CLOSED'));
  assert.ok(allowed(fw2).includes('fin-timeout'));
  assert.ok(!allowed(fw2, { profile: 'rfc' }).includes('fin-timeout'));
  assert.throws(() => step(fw2, 'fin-timeout', { profile: 'rfc' }), /Linux only/);
});

test('a disallowed event names the state, the event, the RFC answer and the allowed events', () => {
  const closed = parseState('CLOSED')!;
  try {
    step(closed, 'close');
    assert.fail('no error');
  } catch (e) {
    assert.ok(isTcpstateError(e));
    assert.equal(e.code, 'ERR_EVENT');
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /event close \(CLOSE\) is not allowed in CLOSE/);
    assert.match(e.message, /connection does not exist/);
    assert.match(e.message, /allowed in CLOSE: passive-open, active-open, rcv-syn/);
  }
  assert.throws(() => step(parseState('TIME_WAIT')!, 'send'), /connection closing/);
});

test('arrival classification: an ACK or FIN that newly acknowledges our FIN is its own event', () => {
  assert.deepEqual(arrivalEvents('ack', false), ['rcv-ack']);
  assert.deepEqual(arrivalEvents('ack', true), ['rcv-ack-of-fin']);
  assert.deepEqual(arrivalEvents('fin', true), ['rcv-fin-ack']);
  assert.deepEqual(arrivalEvents('data', true), ['rcv-ack-of-fin', 'rcv-data']);
  assert.equal(parseEvent('SYN+ACK'), 'rcv-syn-ack');
  assert.equal(parseEvent('rcv ACK of FIN'), 'rcv-ack-of-fin');
  assert.equal(parseEvent('2MSL'), 'timeout-2msl');
  assert.equal(parseEvent('nonsense'), undefined);
});
