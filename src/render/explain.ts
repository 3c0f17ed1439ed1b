/**
 * `explain` output, in English or Chinese, from explain-data.ts, column-texts.ts and the rows
 * of rfc9293.ts: one state in full, the summary table of every state, every state in full
 * (`--all`), and the columns of netstat -n / tcpstate ls (`--columns`).
 * @module
 */
import { LABELS, type Lang, STATE_TEXTS, type StateExplanation, stateText, type Text } from '../fsm/explain-data.js';
import { COLUMN_TEXTS } from './column-texts.js';
import { describeState } from '../fsm/machine.js';
import { stateName } from '../model/state.js';
import { FSM_STATES, type Row, ROWS, rowLabel } from '../fsm/rfc9293.js';
import { rfcStateName, ssStateName, type StateCode, SYN_RECV, UNKNOWN } from '../model/state.js';
import { stepInNetns } from '../doctor/netns-steps.js';
import { thousands } from './text.js';
import { fitTable, widthTable, wrapText } from './wrap.js';

/** Counts by state code and their total, when a snapshot was read. */
export interface CountsView {
  readonly byCode: ArrayLike<number>;
  readonly total: number;
  /** Where the counts come from: "this machine, proc", "netns web1, netlink", a proc root. */
  readonly from: string;
}

const WIDTH = 100;

function t(text: Text, lang: Lang): string {
  return text[lang];
}

function num(n: number): string {
  return thousands(n);
}

function share(n: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * n) / total).toFixed(1)}%`;
}

/** The state-changing rows into and out of a state, as `FROM  label  -> TO  id §rfc`. */
export function transitions(code: StateCode, lang: Lang): { into: string[][]; out: string[][] } {
  const mark = (r: Row) => (r.only === 'rfc' ? ` (${t(LABELS.rfcOnly, lang)})` : r.only === 'linux' ? ` (${t(LABELS.linuxOnly, lang)})` : '');
  const line = (r: Row, from: StateCode): string[] => {
    const fromName = from === SYN_RECV && r.origin ? describeState({ code: from, origin: r.origin }) : stateName(from);
    const to = r.to === 'same' ? from : r.to;
    const toName = to === SYN_RECV && r.toOrigin ? describeState({ code: to, origin: r.toOrigin }) : stateName(to);
    return [fromName, rowLabel(r), `-> ${toName}`, `${r.id} §${r.rfc}${mark(r)}`];
  };
  const into: string[][] = [];
  const out: string[][] = [];
  for (const r of ROWS) {
    if (r.to === 'same') continue;
    if (r.to === code) for (const f of r.from) if (f !== code) into.push(line(r, f));
    if (r.from.includes(code) && r.to !== code) out.push(line(r, code));
  }
  return { into, out };
}

function heading(code: StateCode, lang: Lang): string {
  if (code === UNKNOWN) return 'UNKNOWN';
  return lang === 'zh'
    ? `${stateName(code)}  （内核状态码 ${code}，ss 显示为 ${ssStateName(code)}，RFC 9293 称为 ${rfcStateName(code)}）`
    : `${stateName(code)}  (kernel ${code}, ss ${ssStateName(code)}, RFC 9293 ${rfcStateName(code)})`;
}

function countLine(code: StateCode, lang: Lang, c: CountsView): string {
  const n = c.byCode[code] ?? 0;
  return lang === 'zh'
    ? `${t(LABELS.now, lang)}：${num(n)} 个，占全部 ${num(c.total)} 个 TCP 套接字的 ${share(n, c.total)}（${c.from}）\n`
    : `${t(LABELS.now, lang)}: ${num(n)} ${t(LABELS.of, lang)} ${num(c.total)} ${t(LABELS.sockets, lang)} (${share(n, c.total)}; ${c.from})\n`;
}

/** One state, in full; with `netns`, the commands to run next look in that namespace. */
export function renderState(code: StateCode, lang: Lang, counts?: CountsView, netns?: string): string {
  const s = stateText(code) as StateExplanation;
  let out = `${heading(code, lang)}\n`;
  out += wrapText(t(s.brief, lang), WIDTH, '  ');
  if (counts) out += countLine(code, lang, counts);
  const section = (label: Text, body: string) => `${t(label, lang)}\n${wrapText(body, WIDTH, '  ')}`;
  out += section(LABELS.man, `"${s.man}"`);
  out += section(LABELS.means, t(s.means, lang));
  out += section(LABELS.who, t(s.who, lang));
  out += section(LABELS.lasts, t(s.lasts, lang));
  out += section(LABELS.normal, t(s.normal, lang));
  out += section(LABELS.worry, t(s.worry, lang));
  out += `${t(LABELS.check, lang)}\n`;
  for (const c of s.check) out += `  ${netns === undefined ? `$ ${c.cmd}` : stepInNetns(`$ ${c.cmd}`, netns)}\n${wrapText(t(c.why, lang), WIDTH, '      ')}`;
  if (code !== UNKNOWN) {
    const { into, out: outs } = transitions(code, lang);
    const none = `  ${t(LABELS.none, lang)}\n`;
    out += `${t(LABELS.into, lang)}\n${into.length ? widthTable(into, [], '  ') : none}`;
    out += `${t(LABELS.out, lang)}\n${outs.length ? widthTable(outs, [], '  ') : none}`;
  }
  return out;
}

/** States in the order explain walks them: the figure's order, then UNKNOWN. */
export const EXPLAIN_ORDER: readonly StateCode[] = [...FSM_STATES, UNKNOWN];

/** One line per state: name, count, meaning, Linux lifetime. */
export function renderSummary(lang: Lang, counts?: CountsView): string {
  const head = [t(LABELS.state, lang), ...(counts ? [t(LABELS.count, lang)] : []), t(LABELS.brief, lang), t(LABELS.life, lang)];
  const rows = EXPLAIN_ORDER.map((code) => {
    const s = stateText(code)!;
    return [stateName(code), ...(counts ? [num(counts.byCode[code] ?? 0)] : []), t(s.brief, lang), t(s.life, lang)];
  });
  let out = fitTable([head, ...rows], counts ? [false, true] : [], 80);
  if (counts) out += lang === 'zh' ? `合计 ${num(counts.total)} 个 TCP 套接字（${counts.from}）\n` : `Total: ${num(counts.total)} ${t(LABELS.sockets, lang)} (${counts.from})\n`;
  return out;
}

/** The summary table, then every state in full. */
export function renderAll(lang: Lang, counts?: CountsView, netns?: string): string {
  let out = `${t(LABELS.statesTitle, lang)}\n\n${renderSummary(lang, counts)}`;
  for (const code of EXPLAIN_ORDER) out += `\n${renderState(code, lang, counts, netns)}`;
  return out;
}

/** Every column of netstat -n / tcpstate ls. */
export function renderColumns(lang: Lang): string {
  let out = `${t(LABELS.columnsTitle, lang)}\n`;
  for (const c of COLUMN_TEXTS) {
    out += `\n${c.name}${c.flag ? `  (${t(LABELS.shownWith, lang)} ${c.flag})` : ''}\n`;
    if (c.man) out += `${t(LABELS.man, lang)}\n${wrapText(`"${c.man}"`, WIDTH, '  ')}`;
    out += `${t(LABELS.means, lang)}\n${wrapText(t(c.means, lang), WIDTH, '  ')}`;
    out += `${t(LABELS.beyond, lang)}\n${wrapText(t(c.beyond, lang), WIDTH, '  ')}`;
  }
  return out;
}

export { STATE_TEXTS };
