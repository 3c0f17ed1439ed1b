/**
 * Every text `record` and `history` print or put in errors, in English and Chinese, chosen
 * by src/lang.ts (TCPSTATE_LANG, else the locale).
 * @module
 */
import { langFromEnv } from '../lang.js';
import { type Catalogue, catalogue, sayer } from './catalogue.js';
import { CATALOGUE as EDGE } from './edge.js';

export type Lang = 'en' | 'zh';

/** The language the environment asks for (src/lang.ts); without one (a library caller), English. */
export function langOf(env: Record<string, string | undefined> = {}): Lang {
  return langFromEnv(env);
}

const EN = {
  notSqlite: (p: string) => `${p} is not a tcpstate history file (not an SQLite database, or damaged)`,
  foreign: (p: string, id: number) => `${p} is an SQLite database but not a tcpstate history file (application_id ${id}); give another --db`,
  corrupt: (p: string, why: string) => `${p} is damaged (${why}); move it aside and record into a new file`,
  /** Where a sample's packed groups are damaged (inside {@link corrupt}). */
  groupsDamaged: (sample: number, kind: string, why: string) => `sample ${sample}, ${kind} groups: ${why}`,
  /** A group BLOB (src/history/group-blob.ts) that is not one: the byte where reading stopped, and why. */
  blobDamaged: (at: number, size: number, why: string) => `group BLOB damaged at byte ${at} of ${size}: ${why}`,
  blobEmpty: 'empty',
  blobFormat: (found: number, want: number) => `format ${found} is not ${want}`,
  blobCutShort: 'cut short',
  blobVarintTooLong: 'varint too long',
  blobKeyCutShort: 'key cut short',
  blobKeyNotUtf8: 'key not UTF-8',
  blobMaskTooWide: 'state mask beyond 16 states',
  newer: (p: string, v: number, ours: number) => `${p} has history schema version ${v}, newer than this tcpstate reads (${ours}); upgrade tcpstate`,
  locked: (p: string, pid: string) => `${p} is already being recorded by another tcpstate record${pid ? ` (pid ${pid})` : ''}; only one writer at a time: stop it, or give another --db`,
  busy: (p: string) => `${p} stayed locked by another writer; try again`,
  missing: (p: string) => `${p} does not exist: nothing has been recorded there (tcpstate record --db ${p})`,
  cannotOpen: (p: string, why: string) => `cannot open ${p}: ${why}`,
  /** An OS error's reason (`permission denied`): the OS's words in English (its code when it gave none), the errno's in Chinese. */
  osReason: (code: string, text: string) => text || code,
  /** SQLite's reason (`database disk image is malformed`): its own words in English, its result code's in Chinese where known. */
  sqliteReason: (code: string, text: string) => text || code,
  readOnly: (p: string) => `${p} cannot be written (read-only file or file system): record needs a writable file`,
  diskFull: (p: string) => `the disk holding ${p} is full: recording stopped (what was recorded is intact)`,
  writeFailed: (p: string, why: string) => `cannot write to ${p}: ${why}; recording stopped`,
  recording: (o: { db: string; intervalS: number; netns: string[] }) => `tcpstate record: recording every ${o.intervalS} s into ${o.db}; namespaces ${o.netns.length ? o.netns.join(', ') : '(own)'}`,
  stopping: (sig: string, n: number) => `tcpstate record: ${sig}: stopping after ${n} samples`,
  noTransitions: (why: string) => `tcpstate record: state changes (from -> to) not counted: ${why}; samples carry no transition counts`,
  transitionsNoAddon: (why: string) => `the native addon is not loaded: ${why}`,
  transitionsNeedRoot: (why: string) => `${why} (counting needs root: CAP_BPF and CAP_PERFMON)`,
  sampleFailed: (why: string) => `tcpstate record: a sample failed: ${why}`,
  noSamples: (p: string) => `${p} holds no samples in that time range (--since 1h by default; try --since 7d)`,
  noSampleAt: (when: string) => `no sample at ${when} (none within two intervals before it)`,
  noSampleNear: (when: string, before: string | undefined, after: string | undefined) =>
    `no sample at ${when} (none within two intervals before it); nearest: ${before ? `${before} before` : 'none before'}, ${after ? `${after} after` : 'none after'}`,
  pickNetns: (list: string[]) => `the file holds several namespaces (${list.map((n) => n || '(own)').join(', ')}): name one with --netns (own: --netns "")`,
  unknownNetns: (n: string, list: string[]) => `no samples of namespace "${n}"; recorded: ${list.map((x) => x || '(own)').join(', ') || 'none'}`,
  noGroups: (kind: string) => `no ${kind} groups recorded in that range (groups are kept in raw samples only; process groups not with record --no-processes)`,
  recordedSide: (file: string, when: string, netns: string) => `${file}, sample of ${when}${netns ? `, namespace ${netns}` : ''}`,
  sampleAt: (when: string, netns: string) => `sample of ${when}${netns ? `, namespace ${netns}` : ''}`,
  header: (o: { db: string; from: string; to: string; n: number; step: string; tier: string; netns: string }) =>
    `${o.db}: ${o.from} to ${o.to}, ${o.step ? `${o.n} steps of ${o.step} from ${o.tier === 'raw' ? 'raw samples' : `the ${o.tier} rollups`}` : `${o.n} samples`}${o.netns ? `, namespace ${o.netns}` : ''}`,
  noCounters: () => "(no kernel counter deltas in this range: a recorder's first sample has none)",
  countersStill: (n: number) => `(none of the ${n} counters reported moved)`,
  transitionsMissing: (why: string) => `state changes: ${why}`,
  transitionsUncounted: (n: number, total: number, why: string) => `${n} of ${total} samples have no transition counts${why ? ` (the recorder last said: ${why})` : ''}`,
  /** What recorders note in the file when they do not count transitions (kept in English there). */
  serveNoTransitions: 'not counted by this recorder (serve records without them; tcpstate record counts them)',
  oldRecorder: 'recorded by a tcpstate that did not count them',
  noTransitions0: (n: number) => `(no state changes counted in ${n} samples)`,
  noFindingsRecorded: () => "(doctor's findings not recorded in this range: record --findings keeps them)",
  findingsNone: (n: number) => `(doctor found nothing in ${n} samples)`,
  gaps: (n: number) => `${n} gap(s) where recording stopped (blank in the sparklines)`,
  /** States never above zero in the range. */
  zeroThroughout: (states: string) => `(0 throughout: ${states})`,
  /** The text tables' headings (CSV keeps its own, English, as data). */
  cols: {
    state: 'STATE',
    min: 'MIN',
    max: 'MAX',
    last: 'LAST',
    trend: 'TREND',
    time: 'TIME',
    seconds: 'SECONDS',
    total: 'TOTAL',
    perSecond: 'PER_S',
    maxPerSecond: 'MAX_PER_S',
    transition: 'TRANSITION',
    counter: 'COUNTER',
    first: 'FIRST',
    lastSeen: 'LAST',
    samples: 'SAMPLES',
    severity: 'SEVERITY',
    rule: 'RULE',
    finding: 'FINDING',
  },
  // Errors
  noCounter: (name: string, recorded: string) => `no counter "${name}" in the history file; recorded: ${recorded}`,
  noneYet: 'none yet',
  needsSqlite: (why: string) => `the history store needs better-sqlite3, which could not be loaded (${why}); run "npm ci" in tcpstate's directory`,
  openedForReading: (p: string) => `${p} was opened for reading`,
  notRecorded: "a sample taken without SampleWant.record was not written into the sampler's history store",
  noStore: 'no history store is open in the sampler',
  noRows: (top: number, kinds: string) => `a sample without rows cannot be recorded: take it with rows (SampleWant.rows not false), or with SampleWant.summary { top: ${top}, kinds: ${kinds} }`,
};

/** SQLite's reasons by primary result code, in Chinese (a generic SQLITE_ERROR keeps SQLite's English). */
const SQLITE_ZH: Readonly<Record<string, string>> = {
  SQLITE_CORRUPT: '数据库文件的结构已损坏',
  SQLITE_IOERR: '磁盘 I/O 错误',
  SQLITE_CANTOPEN: '无法打开数据库文件',
  SQLITE_PERM: '没有访问权限',
  SQLITE_NOMEM: '内存不足',
  SQLITE_LOCKED: '数据库表被锁定',
  SQLITE_PROTOCOL: '数据库锁协议出错',
  SQLITE_TOOBIG: '字符串或 BLOB 过大',
  SQLITE_FULL: '磁盘已满',
  SQLITE_READONLY: '试图写入只读数据库',
  SQLITE_BUSY: '数据库被占用',
  SQLITE_NOTADB: '不是数据库文件',
};

const ZH: typeof EN = {
  notSqlite: (p) => `${p} 不是 tcpstate 历史文件(不是 SQLite 数据库,或已损坏)`,
  foreign: (p, id) => `${p} 是 SQLite 数据库,但不是 tcpstate 历史文件(application_id ${id});请换一个 --db`,
  corrupt: (p, why) => `${p} 已损坏(${why});请把它移开,记录到新文件`,
  groupsDamaged: (sample, kind, why) => `样本 ${sample} 的 ${kind} 分组:${why}`,
  blobDamaged: (at, size, why) => `分组 BLOB 在第 ${at} 字节处损坏(共 ${size} 字节):${why}`,
  blobEmpty: '内容为空',
  blobFormat: (found, want) => `格式字节为 ${found},应为 ${want}`,
  blobCutShort: '数据被截断',
  blobVarintTooLong: 'varint 过长',
  blobKeyCutShort: '键被截断',
  blobKeyNotUtf8: '键不是有效的 UTF-8',
  blobMaskTooWide: '状态掩码超出 16 个状态',
  newer: (p, v, ours) => `${p} 的历史结构版本为 ${v},比本 tcpstate 能读的版本(${ours})新;请升级 tcpstate`,
  locked: (p, pid) => `${p} 正由另一个 tcpstate record 写入${pid ? `(pid ${pid})` : ''};同一时间只允许一个写入者:先停掉它,或换一个 --db`,
  busy: (p) => `${p} 一直被另一个写入者锁住;请重试`,
  missing: (p) => `${p} 不存在:那里还没有记录(tcpstate record --db ${p})`,
  cannotOpen: (p, why) => `无法打开 ${p}:${why}`,
  osReason: (code, text) => EDGE.zh.os[code] ?? (text || code),
  sqliteReason: (code, text) => SQLITE_ZH[/^SQLITE_[A-Z]+/.exec(code)?.[0] ?? ''] ?? (text || code),
  readOnly: (p) => `${p} 不可写(只读文件或只读文件系统):record 需要可写的文件`,
  diskFull: (p) => `${p} 所在磁盘已满:记录已停止(已记录的内容完好)`,
  writeFailed: (p, why) => `无法写入 ${p}:${why};记录已停止`,
  recording: (o) => `tcpstate record:每 ${o.intervalS} 秒记录到 ${o.db};命名空间 ${o.netns.length ? o.netns.join(', ') : '(本机)'}`,
  stopping: (sig, n) => `tcpstate record:${sig}:记录 ${n} 个样本后停止`,
  noTransitions: (why) => `tcpstate record:未统计状态变化(from -> to):${why};样本中没有状态变化计数`,
  transitionsNoAddon: (why) => `原生扩展没有加载：${why}`,
  transitionsNeedRoot: (why) => `${why}（统计需要 root 权限：CAP_BPF 和 CAP_PERFMON）`,
  sampleFailed: (why) => `tcpstate record:一次采样失败:${why}`,
  noSamples: (p) => `${p} 在该时间范围内没有样本(默认 --since 1h;可试 --since 7d)`,
  noSampleAt: (when) => `${when} 没有样本(之前两个间隔内都没有)`,
  noSampleNear: (when, before, after) => `${when} 没有样本(之前两个间隔内都没有);最近的样本:${before ? `之前 ${before}` : '之前没有'},${after ? `之后 ${after}` : '之后没有'}`,
  pickNetns: (list) => `文件中有多个命名空间(${list.map((n) => n || '(本机)').join(', ')}):用 --netns 指定一个(本机:--netns "")`,
  unknownNetns: (n, list) => `没有命名空间 "${n}" 的样本;已记录:${list.map((x) => x || '(本机)').join(', ') || '无'}`,
  noGroups: (kind) => `该时间范围内没有记录 ${kind} 分组(分组只保存在原始样本中;record --no-processes 时没有进程分组)`,
  recordedSide: (file, when, netns) => `${file},${when} 的样本${netns ? `,命名空间 ${netns}` : ''}`,
  sampleAt: (when, netns) => `${when} 的样本${netns ? `,命名空间 ${netns}` : ''}`,
  header: (o) =>
    `${o.db}:${o.from} 至 ${o.to},${o.step ? `${o.n} 个 ${o.step} 区间,来自${o.tier === 'raw' ? '原始样本' : o.tier === 'minute' ? '分钟汇总' : '小时汇总'}` : `${o.n} 个样本`}${o.netns ? `,命名空间 ${o.netns}` : ''}`,
  noCounters: () => '(该时间范围内没有内核计数器增量:记录的第一个样本没有增量)',
  countersStill: (n) => `(所报告的 ${n} 个计数器都没有变化)`,
  transitionsMissing: (why) => `状态变化:${why}`,
  transitionsUncounted: (n, total, why) => `${total} 个样本中有 ${n} 个没有状态变化计数${why ? `(记录程序最后说明: ${why})` : ''}`,
  serveNoTransitions: '这个记录程序没有统计(serve 记录时不统计; tcpstate record 会统计)',
  oldRecorder: '由不统计状态变化的旧版 tcpstate 记录',
  noTransitions0: (n) => `(${n} 个样本中没有统计到状态变化)`,
  noFindingsRecorded: () => '(该时间范围内没有记录 doctor 的诊断结果:record --findings 会保存它们)',
  findingsNone: (n) => `(doctor 在 ${n} 个样本中没有发现问题)`,
  gaps: (n) => `${n} 处记录中断(迷你图中为空白)`,
  zeroThroughout: (states) => `(始终为 0: ${states})`,
  cols: {
    state: '状态',
    min: '最小',
    max: '最大',
    last: '最新',
    trend: '趋势',
    time: '时间',
    seconds: '秒数',
    total: '合计',
    perSecond: '每秒',
    maxPerSecond: '最高每秒',
    transition: '状态变化',
    counter: '计数器',
    first: '首次',
    lastSeen: '最后',
    samples: '样本',
    severity: '严重程度',
    rule: '规则',
    finding: '发现',
  },
  noCounter: (name, recorded) => `历史文件中没有计数器 "${name}";已记录:${recorded}`,
  noneYet: '还没有',
  needsSqlite: (why) => `历史存储需要 better-sqlite3,但它无法加载(${why});请在 tcpstate 的目录中运行 "npm ci"`,
  openedForReading: (p) => `${p} 是以只读方式打开的`,
  notRecorded: '不带 SampleWant.record 采集的样本没有写入采样器的历史存储',
  noStore: '采样器中没有打开的历史存储',
  noRows: (top, kinds) => `没有套接字行的样本无法记录:请带上行采样(SampleWant.rows 不为 false),或带上 SampleWant.summary { top: ${top}, kinds: ${kinds} }`,
};

export const CATALOGUE: Catalogue<typeof EN> = catalogue(EN, ZH);

/** A message of this domain as data (errors), rendered at the edge in the user's language. */
export const say = sayer('history', CATALOGUE);

/** The catalogue in the environment's language. */
export function messages(env?: Record<string, string | undefined>): typeof EN {
  return langOf(env) === 'zh' ? ZH : EN;
}
