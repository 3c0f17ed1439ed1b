/**
 * The ss filter language over transitions: `state X` keeps a transition into or out of X;
 * addresses and ports as ss gives them meaning, over the transition's socket.
 * @module
 */
import { ALL_MASK } from '../model/state.js';
import { compileFilter, type ParsedFilter } from '../model/filter.js';
import { SocketTable } from '../model/table.js';
import type { Transition } from './tracker.js';
import type { Lifetime } from './lifetimes.js';

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

/** The same filter over finished connections: a state filter keeps those whose path went through the state. */
export function lifetimeMatcher(f: ParsedFilter): (l: Lifetime) => boolean {
  const m = transitionMatcher(f);
  return (l) => {
    for (let k = 0; k + 1 < l.path.length; k++) {
      if (
        m({
          time: l.end,
          netns: l.netns,
          owner: l.owner,
          family: l.family,
          laddr: l.laddr,
          lport: l.lport,
          raddr: l.raddr,
          rport: l.rport,
          from: l.path[k]!,
          to: l.path[k + 1]!,
          ms: undefined,
          sk: l.sk,
        })
      )
        return true;
    }
    return false;
  };
}
