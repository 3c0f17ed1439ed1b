/**
 * The ss filter language over transitions: `state X` keeps a transition into or out of X;
 * addresses and ports as ss gives them meaning, over the transition's socket.
 * @module
 */
import { ALL_MASK } from '../model/state.js';
import { compileFilter, type ParsedFilter } from '../model/filter.js';
import { SocketTable } from '../model/table.js';
import type { Transition } from './tracker.js';

export type TransitionMatch = (t: Transition) => boolean;

export function transitionMatcher(f: ParsedFilter): TransitionMatch {
  const mask = f.states ?? ALL_MASK;
  const expr = f.expr ? compileFilter(f.expr) : undefined;
  const row = new SocketTable(16);
  row.add();
  return (t) => {
    if (mask !== ALL_MASK && (mask & (1 << t.from)) === 0 && (mask & (1 << t.to)) === 0) return false;
    if (!expr) return true;
    row.family[0] = t.family;
    row.state[0] = t.to;
    row.lport[0] = t.lport;
    row.rport[0] = t.rport;
    row.laddr.set(t.laddr, 0);
    row.raddr.set(t.raddr, 0);
    return expr(row, 0);
  };
}
