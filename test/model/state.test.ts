import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_MASK,
  canonicalCode,
  CLOSE,
  CLOSE_WAIT,
  CLOSING,
  codesOf,
  ESTABLISHED,
  FIN_WAIT1,
  FIN_WAIT2,
  LAST_ACK,
  LISTEN,
  maskOf,
  NEW_SYN_RECV,
  parseState,
  parseStateOrGroup,
  PRINT_ORDER,
  ssStateName,
  SS_GROUPS,
  stateName,
  SYN_RECV,
  SYN_SENT,
  TIME_WAIT,
  UNKNOWN,
} from '../../src/model/state.js';

test('kernel codes and netstat names, in tcp_states.h order', () => {
  const expected: [number, string][] = [
    [1, 'ESTABLISHED'],
    [2, 'SYN_SENT'],
    [3, 'SYN_RECV'],
    [4, 'FIN_WAIT1'],
    [5, 'FIN_WAIT2'],
    [6, 'TIME_WAIT'],
    [7, 'CLOSE'],
    [8, 'CLOSE_WAIT'],
    [9, 'LAST_ACK'],
    [10, 'LISTEN'],
    [11, 'CLOSING'],
  ];
  for (const [code, name] of expected) assert.equal(stateName(code), name);
  assert.equal(stateName(NEW_SYN_RECV), 'SYN_RECV', 'NEW_SYN_RECV (0C) is reported as SYN_RECV');
  assert.equal(stateName(13), 'UNKNOWN');
  assert.equal(stateName(0), 'UNKNOWN');
  assert.equal(stateName(99), 'UNKNOWN');
  assert.equal(canonicalCode(12), SYN_RECV);
});

test('every spelling in use resolves to the same state', () => {
  const cases: [string, number][] = [
    ['SYN_RECV', SYN_RECV],
    ['SYN-RECV', SYN_RECV],
    ['syn-recv', SYN_RECV],
    ['SYN-RECEIVED', SYN_RECV],
    ['SYN_RCVD', SYN_RECV],
    ['03', SYN_RECV],
    ['0C', SYN_RECV],
    ['0x0c', SYN_RECV],
    ['SynReceived', SYN_RECV],
    ['FIN_WAIT1', FIN_WAIT1],
    ['FIN-WAIT-1', FIN_WAIT1],
    ['fin_wait_1', FIN_WAIT1],
    ['FIN_WAIT_1', FIN_WAIT1],
    ['04', FIN_WAIT1],
    ['FIN-WAIT-2', FIN_WAIT2],
    ['FinWait2', FIN_WAIT2],
    ['ESTAB', ESTABLISHED],
    ['established', ESTABLISHED],
    ['01', ESTABLISHED],
    ['UNCONN', CLOSE],
    ['closed', CLOSE],
    ['CLOSE', CLOSE],
    ['07', CLOSE],
    ['TIME-WAIT', TIME_WAIT],
    ['time_wait', TIME_WAIT],
    ['TimeWait', TIME_WAIT],
    ['06', TIME_WAIT],
    ['LISTENING', LISTEN],
    ['listen', LISTEN],
    ['0A', LISTEN],
    ['0a', LISTEN],
    ['0x0A', LISTEN],
    ['CLOSE-WAIT', CLOSE_WAIT],
    ['closewait', CLOSE_WAIT],
    ['LAST-ACK', LAST_ACK],
    ['0B', CLOSING],
    ['SYN-SENT', SYN_SENT],
    ['UNKNOWN', UNKNOWN],
  ];
  for (const [text, code] of cases) assert.equal(parseState(text), code, text);
  for (const bad of ['', 'ESTABLISHEDX', 'foo', '0D', 'SYN']) assert.equal(parseState(bad), undefined, bad);
});

test('ss output names round-trip through the table', () => {
  for (const code of PRINT_ORDER) assert.equal(parseState(ssStateName(code)), code);
  for (const code of PRINT_ORDER) assert.equal(parseState(stateName(code)), code);
});

test('ss state groups (ss.8 STATE-FILTER)', () => {
  assert.equal(SS_GROUPS['all'], ALL_MASK);
  assert.deepEqual(codesOf(SS_GROUPS['bucket']!), [SYN_RECV, TIME_WAIT]);
  const connected = codesOf(SS_GROUPS['connected']!);
  assert.ok(!connected.includes(LISTEN) && !connected.includes(CLOSE) && connected.includes(SYN_SENT));
  const sync = codesOf(SS_GROUPS['synchronized']!);
  assert.ok(!sync.includes(SYN_SENT) && sync.includes(ESTABLISHED) && sync.includes(TIME_WAIT));
  assert.equal(SS_GROUPS['big']! & SS_GROUPS['bucket']!, 0);
  assert.equal(SS_GROUPS['big']! | SS_GROUPS['bucket']!, ALL_MASK);
  assert.equal(parseStateOrGroup('Connected'), SS_GROUPS['connected']);
  assert.equal(parseStateOrGroup('time-wait'), maskOf(TIME_WAIT));
  assert.equal(parseStateOrGroup('nope'), undefined);
});
