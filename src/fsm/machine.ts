/**
 * Stepping the TCP state machine of {@link ROWS}. `step(state, event, ctx?)` is pure: it finds
 * the one row for (state, event) under a profile and returns `{ next, send, row }` — the next
 * {@link FsmState} (a kernel state code from src/model/state.ts, CLOSE standing for the RFC's
 * CLOSED, plus for SYN_RECV whether it was reached from LISTEN or SYN_SENT), the segment to
 * send (`null` for none) and the row itself with its RFC section and Linux note. A state may be
 * given as a bare code; a bare SYN_RECV counts as passive (Linux's request sockets). `ctx.profile`
 * is `'linux'` (default: rows marked RFC-only, such as LISTEN → SYN_SENT, are not allowed) or
 * `'rfc'` (rows marked Linux-only, such as the FIN_WAIT2 timeout, are not allowed).
 * `allowed(state, ctx?)` lists the events that have a row there, in {@link EVENT_IDS} order.
 * An event with no row throws `TcpstateError('ERR_EVENT')` naming the state, the event, what
 * the RFC answers if it refuses the call, and the events allowed there. To drive an endpoint
 * from captured segments, map each segment to events with {@link arrivalEvents}.
 * @module
 */
import { say } from '../i18n/options.js';
import { TcpstateError } from '../model/errors.js';
import { canonicalCode, CLOSE, stateName, SYN_RECV, type StateCode } from '../model/state.js';
import { EVENT_IDS, eventInfo, type EventId, type SegmentId } from './events.js';
import { type Origin, REFUSALS, type Row, ROWS } from './rfc9293.js';

export { arrivalEvents } from './events.js';

export interface FsmState {
  readonly code: StateCode;
  /** Only for SYN_RECV. */
  readonly origin?: Origin;
}

export type Profile = 'linux' | 'rfc';

export interface StepContext {
  /** Which rows hold: 'linux' (default) or 'rfc'. */
  readonly profile?: Profile;
}

export interface StepResult {
  readonly next: FsmState;
  readonly send: SegmentId | null;
  readonly row: Row;
}

/** The CLOSED state every endpoint starts in. */
export const CLOSED_STATE: FsmState = Object.freeze({ code: CLOSE });

/** Normalize a code or a state: NEW_SYN_RECV → SYN_RECV, SYN_RECV gets an origin. */
export function fsmState(s: StateCode | FsmState): FsmState {
  const code = canonicalCode(typeof s === 'number' ? s : s.code);
  if (code !== SYN_RECV) return { code };
  const origin = typeof s === 'number' ? undefined : s.origin;
  return { code, origin: origin ?? 'passive' };
}

/** `SYN_RECV (passive)`, `ESTABLISHED`. */
export function describeState(s: StateCode | FsmState): string {
  const st = fsmState(s);
  return st.origin ? `${stateName(st.code)} (${st.origin})` : stateName(st.code);
}

function holds(row: Row, profile: Profile): boolean {
  return row.only === undefined || row.only === profile;
}

function matches(row: Row, st: FsmState, event: EventId): boolean {
  return row.from.includes(st.code) && row.events.includes(event) && (row.origin === undefined || row.origin === st.origin);
}

// (code, origin, event) → rows; built once.
const index = new Map<string, Row[]>();
const key = (st: FsmState, e: EventId) => `${st.code}/${st.origin ?? ''}/${e}`;
for (const row of ROWS) {
  for (const code of row.from) {
    const origins: (Origin | undefined)[] = code === SYN_RECV ? ['passive', 'active'] : [undefined];
    for (const origin of origins) {
      const st: FsmState = origin ? { code, origin } : { code };
      for (const e of row.events) {
        if (!matches(row, st, e)) continue;
        const k = key(st, e);
        const list = index.get(k) ?? [];
        list.push(row);
        index.set(k, list);
      }
    }
  }
}

/** The row for (state, event) under a profile, or undefined. */
export function findRow(state: StateCode | FsmState, event: EventId, ctx: StepContext = {}): Row | undefined {
  const profile = ctx.profile ?? 'linux';
  return index.get(key(fsmState(state), event))?.find((r) => holds(r, profile));
}

/** Events with a row in `state`, in {@link EVENT_IDS} order. */
export function allowed(state: StateCode | FsmState, ctx: StepContext = {}): EventId[] {
  return EVENT_IDS.filter((e) => findRow(state, e, ctx) !== undefined);
}

/** Take one step; an event with no row is an ERR_EVENT. */
export function step(state: StateCode | FsmState, event: EventId, ctx: StepContext = {}): StepResult {
  const st = fsmState(state);
  const row = findRow(st, event, ctx);
  if (!row) throw notAllowed(st, event, ctx);
  let next: FsmState;
  if (row.to === 'same') next = st;
  else if (row.to === SYN_RECV) next = { code: SYN_RECV, origin: row.toOrigin ?? 'passive' };
  else next = { code: row.to };
  return { next, send: row.send, row };
}

function notAllowed(st: FsmState, event: EventId, ctx: StepContext): TcpstateError {
  const profile = ctx.profile ?? 'linux';
  const other = index.get(key(st, event))?.find((r) => !holds(r, profile));
  const row = !other ? '' : other.only === 'rfc' ? say('rowRfcOnly', other.id, other.linux ?? '') : say('rowLinuxOnly', other.id);
  const refusal = REFUSALS.find((r) => r.from.includes(st.code) && r.events.includes(event));
  const refused = refusal ? say('refusal', String(refusal.rfc), refusal.says) : '';
  const message = say('notAllowed', event, eventInfo(event).label, describeState(st), row, refused, allowed(st, ctx).join(', '));
  return new TcpstateError('ERR_EVENT', message, { field: describeState(st) });
}
