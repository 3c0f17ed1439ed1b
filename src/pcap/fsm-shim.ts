/**
 * Temporary stand-in for src/fsm/machine.ts `step` (being written on branch fsm), with the
 * same signature and event ids, holding only the rows the capture replay uses. Removed when
 * the shared table is merged.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import {
  CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT,
  TIME_WAIT, type StateCode,
} from '../model/state.js';

export type Origin = 'passive' | 'active';
export interface FsmState { readonly code: StateCode; readonly origin?: Origin }
export type EventId =
  | 'passive-open' | 'active-open' | 'close' | 'abort' | 'rcv-syn' | 'rcv-syn-ack' | 'rcv-ack'
  | 'rcv-ack-of-fin' | 'rcv-fin' | 'rcv-fin-ack' | 'rcv-rst' | 'timeout-2msl';
export interface StepResult { readonly next: FsmState; readonly row: { readonly id: string } }

const SYNC = [ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT];
const rows: [StateCode[], EventId, StateCode | 'passive' | 'active' | 'listen-or-close', string][] = [
  [[CLOSE], 'active-open', SYN_SENT, 'U2'],
  [[CLOSE], 'passive-open', LISTEN, 'U1'],
  [[LISTEN], 'rcv-syn', 'passive', 'S5'],
  [[SYN_SENT], 'rcv-syn', 'active', 'S11'],
  [[SYN_SENT], 'rcv-syn-ack', ESTABLISHED, 'S10'],
  [[SYN_RECV], 'rcv-ack', ESTABLISHED, 'S13'],
  [[SYN_RECV, ESTABLISHED], 'close', FIN_WAIT1, 'U12'],
  [[CLOSE_WAIT], 'close', LAST_ACK, 'U16'],
  [[SYN_RECV, ESTABLISHED], 'rcv-fin', CLOSE_WAIT, 'S26'],
  [[FIN_WAIT1], 'rcv-fin', CLOSING, 'S28'],
  [[FIN_WAIT1], 'rcv-fin-ack', TIME_WAIT, 'S29'],
  [[FIN_WAIT1], 'rcv-ack-of-fin', FIN_WAIT2, 'S27'],
  [[FIN_WAIT2], 'rcv-fin', TIME_WAIT, 'S31'],
  [[CLOSING], 'rcv-ack-of-fin', TIME_WAIT, 'S33'],
  [[LAST_ACK], 'rcv-ack-of-fin', CLOSE, 'S35'],
  [[TIME_WAIT], 'timeout-2msl', CLOSE, 'T1'],
  [[SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT], 'abort', CLOSE, 'U11'],
  [[SYN_SENT], 'rcv-rst', CLOSE, 'S8'],
  [[SYN_RECV], 'rcv-rst', 'listen-or-close', 'S15'],
  [SYNC, 'rcv-rst', CLOSE, 'S22'],
];

export function step(state: StateCode | FsmState, event: EventId): StepResult {
  const st: FsmState = typeof state === 'number' ? { code: state, origin: state === SYN_RECV ? 'passive' : undefined } : state;
  for (const [from, ev, to, id] of rows) {
    if (ev !== event || !from.includes(st.code)) continue;
    let next: FsmState;
    if (to === 'passive' || to === 'active') next = { code: SYN_RECV, origin: to };
    else if (to === 'listen-or-close') next = { code: st.origin === 'active' ? CLOSE : LISTEN };
    else next = { code: to };
    return { next, row: { id } };
  }
  throw new TcpstateError('ERR_EVENT', `event ${event} is not allowed in state ${st.code}`);
}
