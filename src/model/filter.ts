/**
 * ss's filter language, as ss(8) gives it meaning: state words and groups
 * (`state time-wait`, `exclude listening`) and expressions over ports and addresses
 * (`sport = :80`, `dport != :22`, `src 10.0.0.0/8`, `dst [::1]`), joined with
 * `and`/`or`/`not` (`&`, `|`, `!`) and parentheses. Juxtaposed conditions mean `and`.
 *
 * The parsed filter is an AST ({@link FilterNode}) plus a state mask; {@link compileFilter}
 * turns the AST into a predicate over table rows.
 * @module
 */
import { type Prefix, parsePrefix, prefixContains } from './address.js';
import { TcpstateError } from './errors.js';
import { nearStates, withSuggestion } from './suggest.js';
import { ALL_MASK, parseStateOrGroup, stateWords, type StateMask } from './state.js';
import type { SocketTable } from './table.js';
import { say as c, say } from '../i18n/captures.js';

export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterNode =
  | { kind: 'port'; side: 'src' | 'dst'; op: CmpOp; port: number }
  | { kind: 'host'; side: 'src' | 'dst'; negate: boolean; prefix: Prefix | null; port: number | null }
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; inner: FilterNode };

export interface ParsedFilter {
  /** States selected by `state`/`exclude`; undefined if the user named none. */
  states: StateMask | undefined;
  /** The expression, if any. */
  expr: FilterNode | undefined;
}

const OPS: Record<string, CmpOp> = {
  '=': '=',
  '==': '=',
  eq: '=',
  '!=': '!=',
  ne: '!=',
  neq: '!=',
  '<': '<',
  lt: '<',
  '<=': '<=',
  le: '<=',
  '>': '>',
  gt: '>',
  '>=': '>=',
  ge: '>=',
};

/** Service names ss users type (`:ssh`, `:http`); a name not here is an error, never a guess. */
export const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  dns: 53,
  http: 80,
  www: 80,
  pop3: 110,
  imap: 143,
  https: 443,
  smtps: 465,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  postgresql: 5432,
  postgres: 5432,
  redis: 6379,
  'http-alt': 8080,
  memcache: 11211,
};

interface Tok {
  text: string;
  pos: number;
}

/** Split filter words into tokens; parentheses and operators stand alone. */
export function tokenize(words: readonly string[]): Tok[] {
  const out: Tok[] = [];
  const re = /\(|\)|!=|==|<=|>=|=|<|>|&&|\|\||&|\||!|[^\s()!=<>&|]+/g;
  for (const w of words) {
    for (const m of w.matchAll(re)) out.push({ text: m[0], pos: out.length + 1 });
  }
  return out;
}

function parsePort(text: string, tok: Tok): number {
  let t = text.startsWith(':') ? text.slice(1) : text;
  // ss allows [FAMILY:]:PORT, e.g. inet::80; drop the family.
  const famColon = /^(inet6?|ipv[46]):/.exec(t);
  if (famColon) t = t.slice(famColon[0].length).replace(/^:/, '');
  if (/^\d{1,5}$/.test(t) && Number(t) <= 65535) return Number(t);
  const svc = SERVICES[t.toLowerCase()];
  if (svc !== undefined) return svc;
  throw new TcpstateError('ERR_FILTER', c('badPort', tok.text, tok.pos), { position: tok.pos });
}

/** `10.0.0.0/8`, `[::1]`, `[::1]:22`, `10.0.0.1:80`, `*`, `*:80`, `:80`. */
function parseHost(text: string, tok: Tok): { prefix: Prefix | null; port: number | null } {
  const bad = (): never => {
    throw new TcpstateError('ERR_FILTER', c('badAddress', tok.text, tok.pos), { position: tok.pos });
  };
  let t = text;
  let port: number | null = null;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) bad();
    let rest = t.slice(close + 1);
    let addr = t.slice(1, close);
    if (rest.startsWith('/')) {
      const m = /^\/(\d{1,3})/.exec(rest);
      if (!m) bad();
      addr += m![0];
      rest = rest.slice(m![0].length);
    }
    if (rest.startsWith(':')) port = rest === ':*' ? null : parsePort(rest, tok);
    else if (rest !== '') bad();
    if (addr === '*' || addr === '') return { prefix: null, port };
    const prefix = parsePrefix(addr);
    if (!prefix) bad();
    return { prefix: prefix!, port };
  }
  const colons = (t.match(/:/g) ?? []).length;
  if (colons === 1) {
    const [a, p] = t.split(':') as [string, string];
    if (p !== '*' && p !== '') port = parsePort(p, tok);
    t = a;
  } else if (colons > 1) {
    // Bare IPv6 without brackets: no port.
  }
  if (t === '*' || t === '') return { prefix: null, port };
  const prefix = parsePrefix(t);
  if (!prefix) bad();
  return { prefix: prefix!, port };
}

/**
 * Parse filter words as ss does. `words` are the command-line words after the options.
 * @throws TcpstateError ERR_STATE or ERR_FILTER naming the token and its position.
 */
export function parseFilter(words: readonly string[]): ParsedFilter {
  const toks = tokenize(words);
  let i = 0;
  let states: StateMask | undefined;
  const peek = (): Tok | undefined => toks[i];

  // Leading state / exclude clauses (ss allows them anywhere before the expression).
  const stateClause = (): boolean => {
    const t = peek();
    if (!t) return false;
    const w = t.text.toLowerCase();
    if (w !== 'state' && w !== 'exclude' && w !== 'excl') return false;
    const arg = toks[i + 1];
    if (!arg) throw new TcpstateError('ERR_STATE', c('needsState', t.text, t.pos), { position: t.pos });
    const m = parseStateOrGroup(arg.text);
    if (m === undefined) {
      throw withSuggestion(new TcpstateError('ERR_STATE', c('unknownState', arg.text, arg.pos, stateWords().join(', ')), { position: arg.pos }), nearStates(arg.text));
    }
    if (w === 'state') states = (states ?? 0) | m;
    else states = (states ?? ALL_MASK) & ~m;
    i += 2;
    return true;
  };
  while (stateClause()) {
    /* consume */
  }

  const expect = (what: string): Tok => {
    const t = toks[i];
    if (!t) {
      const last = toks[toks.length - 1];
      throw new TcpstateError('ERR_FILTER', last ? c('filterEndsAfter', what, last.text, last.pos) : c('filterEnds', what), { position: (last?.pos ?? 0) + 1 });
    }
    return t;
  };

  const primary = (): FilterNode => {
    const t = expect('a condition');
    const w = t.text.toLowerCase();
    if (t.text === '(') {
      i++;
      const e = orExpr();
      const c = expect('")"');
      if (c.text !== ')') throw new TcpstateError('ERR_FILTER', say('expectedParen', c.pos, c.text), { position: c.pos });
      i++;
      return e;
    }
    if (w === 'not' || t.text === '!') {
      i++;
      return { kind: 'not', inner: primary() };
    }
    if (w === 'sport' || w === 'dport') {
      i++;
      let op: CmpOp = '=';
      const o = expect('a port');
      if (OPS[o.text.toLowerCase()] !== undefined) {
        op = OPS[o.text.toLowerCase()]!;
        i++;
      }
      const p = expect('a port');
      i++;
      return { kind: 'port', side: w === 'sport' ? 'src' : 'dst', op, port: parsePort(p.text, p) };
    }
    if (w === 'src' || w === 'dst') {
      i++;
      let negate = false;
      const o = expect('an address');
      const op = OPS[o.text.toLowerCase()];
      if (op !== undefined) {
        if (op !== '=' && op !== '!=') throw new TcpstateError('ERR_FILTER', c('addressOp', o.text, o.pos), { position: o.pos });
        negate = op === '!=';
        i++;
      }
      const a = expect('an address');
      i++;
      const h = parseHost(a.text, a);
      return { kind: 'host', side: w === 'src' ? 'src' : 'dst', negate, prefix: h.prefix, port: h.port };
    }
    if (w === 'state' || w === 'exclude' || w === 'excl') {
      throw new TcpstateError('ERR_FILTER', c('beforeExpression', t.text, t.pos), { position: t.pos });
    }
    throw new TcpstateError('ERR_FILTER', c('unexpectedStart', t.text, t.pos), { position: t.pos });
  };

  const isAnd = (t: Tok | undefined) => t !== undefined && ['and', '&', '&&'].includes(t.text.toLowerCase());
  const isOr = (t: Tok | undefined) => t !== undefined && ['or', '|', '||'].includes(t.text.toLowerCase());
  const startsPrimary = (t: Tok | undefined) => t !== undefined && t.text !== ')' && !isOr(t);

  const andExpr = (): FilterNode => {
    let left = primary();
    for (;;) {
      if (isAnd(peek())) {
        i++;
        left = { kind: 'and', left, right: primary() };
        continue;
      }
      if (startsPrimary(peek())) {
        left = { kind: 'and', left, right: primary() };
        continue;
      }
      return left;
    }
  };
  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isOr(peek())) {
      i++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  let expr: FilterNode | undefined;
  if (i < toks.length) {
    expr = orExpr();
    if (i < toks.length) {
      const t = toks[i]!;
      throw new TcpstateError('ERR_FILTER', c('unexpected', t.text, t.pos), { position: t.pos });
    }
  }
  return { states, expr };
}

/** A predicate over row i of a table. */
export type RowPredicate = (t: SocketTable, i: number) => boolean;

function cmp(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** Compile an expression to a row predicate. */
export function compileFilter(node: FilterNode): RowPredicate {
  switch (node.kind) {
    case 'port': {
      const { op, port } = node;
      return node.side === 'src' ? (t, i) => cmp(op, t.lport[i]!, port) : (t, i) => cmp(op, t.rport[i]!, port);
    }
    case 'host': {
      const { prefix, port, negate } = node;
      const src = node.side === 'src';
      const f: RowPredicate = (t, i) => {
        if (port !== null && (src ? t.lport[i] : t.rport[i]) !== port) return false;
        if (prefix === null) return true;
        return prefixContains(prefix, t.family[i]!, src ? t.laddr : t.raddr, i * 16);
      };
      return negate ? (t, i) => !f(t, i) : f;
    }
    case 'and': {
      const a = compileFilter(node.left);
      const b = compileFilter(node.right);
      return (t, i) => a(t, i) && b(t, i);
    }
    case 'or': {
      const a = compileFilter(node.left);
      const b = compileFilter(node.right);
      return (t, i) => a(t, i) || b(t, i);
    }
    case 'not': {
      const a = compileFilter(node.inner);
      return (t, i) => !a(t, i);
    }
  }
}

/** A predicate that also checks the state mask. */
export function selector(mask: StateMask, expr: FilterNode | undefined): RowPredicate {
  const e = expr ? compileFilter(expr) : undefined;
  if (mask === ALL_MASK) return e ?? (() => true);
  return e ? (t, i) => (mask & (1 << t.state[i]!)) !== 0 && e(t, i) : (t, i) => (mask & (1 << t.state[i]!)) !== 0;
}
