/**
 * The words of `count` and `diff` text output that are tcpstate's own (netstat's column
 * names, Proto/Local Address/Foreign Address/State, are kept as netstat prints them, and
 * state names are never translated): table headings, totals, footers.
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  state: 'STATE',
  count: 'COUNT',
  total: 'TOTAL',
  zeroInEveryGroup: (states: string) => `(0 in every group: ${states})`,
  before: 'BEFORE',
  after: 'AFTER',
  change: 'CHANGE',
  sides: (before: string, beforeFormat: string, after: string, afterFormat: string) => `before: ${before} (${beforeFormat})\nafter:  ${after} (${afterFormat})`,
  noSockets: '(per-socket changes need full listings on both sides; a per-state summary has no sockets)',
  changes: (changed: number, appeared: number, disappeared: number) => `${changed} changed state, ${appeared} appeared, ${disappeared} disappeared`,
  /** The row summing the groups beyond --top. */
  other: (groups: number) => `other (${groups})`,
  /** The group column's heading, by --by's key (a prefix length kept after it: RNET/24). */
  // count --hosts and fleet: a row per host.
  host: 'HOST',
  group: 'GROUP',
  format: 'FORMAT',
  /** The group of hosts no pattern matched. */
  ungrouped: '(none)',
  subtotal: (hosts: number, down: number) => `subtotal (${hosts}${down > 0 ? `, ${down} down` : ''})`,
  hostsTotal: (hosts: number, down: number) => `TOTAL (${hosts} hosts${down > 0 ? `, ${down} down` : ''})`,
  /** fleet --by: the per-port table's title and its total column. */
  stateBy: (state: string, by: string) => `${state} by ${by}`,
  stateTotal: (state: string) => `TOTAL ${state}`,
  /** fleet --since: what the numbers are. */
  changeFrom: (from: string, to: string) => `change from ${from} to ${to}`,
  groupKeys: { lport: 'LPORT', rport: 'RPORT', laddr: 'LADDR', raddr: 'RADDR', lnet: 'LNET', rnet: 'RNET', process: 'PROCESS' } as Record<string, string>,
};

const ZH: typeof EN = {
  state: '状态',
  count: '数量',
  total: '合计',
  zeroInEveryGroup: (states) => `（在所有分组中都为 0：${states}）`,
  before: '之前',
  after: '之后',
  change: '变化',
  sides: (before, beforeFormat, after, afterFormat) => `之前：${before}（${beforeFormat}）\n之后：${after}（${afterFormat}）`,
  noSockets: '（逐个连接的变化需要两边都是完整的连接列表；按状态汇总的输入没有连接）',
  changes: (changed, appeared, disappeared) => `${changed} 个连接状态改变，${appeared} 个新出现，${disappeared} 个消失`,
  other: (groups) => `其他（${groups} 组）`,
  host: '主机',
  group: '分组',
  format: '格式',
  ungrouped: '（无）',
  subtotal: (hosts, down) => `小计（${hosts}${down > 0 ? `，${down} 台不可达` : ''}）`,
  hostsTotal: (hosts, down) => `合计（${hosts} 台主机${down > 0 ? `，${down} 台不可达` : ''}）`,
  stateBy: (state, by) => `${state}，按 ${by}`,
  stateTotal: (state) => `${state} 合计`,
  changeFrom: (from, to) => `从 ${from} 到 ${to} 的变化`,
  groupKeys: { lport: '本地端口', rport: '对端端口', laddr: '本地地址', raddr: '对端地址', lnet: '本地网段', rnet: '对端网段', process: '进程' },
};

export type TablesMessages = typeof EN;

export const CATALOGUE: Catalogue<TablesMessages> = catalogue(EN, ZH);
