/**
 * The errors and warnings of reading inputs, in English and Chinese: ss's filter language,
 * captured text (netstat, ss, /proc, JSON, awk tallies), /proc/net files and pcap/pcapng
 * captures. Field names (Local Address, st), formats, states and options stay as written.
 * @module
 */
import { type Catalogue, catalogue, type Said, sayer } from './catalogue.js';

/** What a parser expected, in Chinese, for the phrases the parsers use; others kept as written. */
const WHAT_ZH: Readonly<Record<string, string>> = {
  'a whole number': '整数',
  'a state name': '状态名',
  'white space': '空白',
  'a hexadecimal number': '十六进制数',
  'a decimal number': '十进制数',
  'a decimal number below 2^32': '小于 2^32 的十进制数',
  'a row number followed by ":"': '行号加 ":"',
  'a condition': '一个条件',
  'a port': '端口',
  'an address': '地址',
};

const EN = {
  // ss's filter language (ss(8) FILTER); "token N" counts the filter's words from 1.
  badPort: (text: string, pos: number) => `bad port "${text}" at token ${pos}: expected :PORT (0-65535 or a service name)`,
  badAddress: (text: string, pos: number) => `bad address "${text}" at token ${pos}: expected ADDRESS[/LEN][:PORT], [IPv6][/LEN][:PORT] or *`,
  needsState: (text: string, pos: number) => `"${text}" at token ${pos} needs a state name`,
  unknownState: (text: string, pos: number, states: string) => `unknown state "${text}" at token ${pos}; states and groups: ${states}`,
  filterEnds: (what: string) => `filter ends early: expected ${what}`,
  filterEndsAfter: (what: string, last: string, pos: number) => `filter ends early: expected ${what} after "${last}" (token ${pos})`,
  expectedParen: (pos: number, found: string) => `expected ")" at token ${pos}, found "${found}"`,
  addressOp: (op: string, pos: number) => `"${op}" at token ${pos} does not apply to addresses: use = or !=`,
  beforeExpression: (text: string, pos: number) => `"${text}" at token ${pos} must come before the expression`,
  unexpectedStart: (text: string, pos: number) => `unexpected "${text}" at token ${pos}: expected sport, dport, src, dst, not or "("`,
  unexpected: (text: string, pos: number) => `unexpected "${text}" at token ${pos}`,
  // A line of a capture or a /proc/net file that is not what its format says.
  lineEndsEarly: 'line ends early',
  expected: (what: string) => `expected ${what}`,
  expectedFound: (what: string, found: string) => `expected ${what}, found "${found}"`,
  unknownStateWord: (token: string) => `unknown state "${token}", counted as UNKNOWN`,
  unknownStateCode: (hex: string) => `unknown state code ${hex}, counted as UNKNOWN`,
  names: 'addresses or ports are names or cut short, not numbers (captured without -n, or without -W): sockets are counted, but not matched by address or port',
  duplicateState: (state: string, first: number) => `${state} appears again (first at line ${first}); the counts are added`,
  sameHost: (host: string, line: number, name: string) => `a second capture of ${host} (line ${line}) is shown as "${name}"`,
  binary: (offset: number) => `binary data (a NUL byte at offset ${offset}), not a text capture; save the output of netstat, ss or cat /proc/net/tcp as text`,
  longLine: (max: number) => `a line longer than ${max} bytes: not a text capture, or its line ends were lost`,
  encoding: 'bytes that are not UTF-8 (read as U+FFFD)',
  jsonTooLarge: (mib: number) => `a JSON capture is read whole, up to ${mib} MiB; this one is larger: split it, or save the listing as text (tcpstate ls without --json)`,
  jsonInvalid: (column: number, why: string) => `not valid JSON at column ${column}: ${why}`,
  inputFormat: (name: string, formats: string) => `unknown --input-format "${name}": expected ${formats}`,
  emptyNothing: 'empty input: nothing to read',
  emptyBlank: 'empty input: only blank lines',
  jsonNoCapture: 'the JSON holds no capture',
  noLineEnd: 'the last line has no line end: the capture may have been cut short there, and its last socket or count be incomplete',
  noFormat: (formats: string, text: string) => `not in a format tcpstate reads (tried ${formats}): "${text}"; name one with --input-format`,
  unrecognized: (lines: number, text: string) => `${lines} lines in no known format skipped, starting "${text}"`,
  onlyPrompts: 'no socket lines or counts: only shell prompts',
  lastLineCut: (message: string) => `${message} (the last line, which has no line end: was the capture cut short?)`,
  mixedFormats: (other: string, format: string, first: number) =>
    `mixed formats: this line is ${other} output inside ${format} output (read from line ${first}); put a shell prompt line before each command's output, or split the file`,
  skippedLine: (format: string, text: string) => `not ${format} output, skipped: "${text}"`,
  wrappedTwoWays: (line: number, one: string, two: string) => `a socket line wrapped onto line ${line} reads two ways, "${one}" and "${two}": join the two lines as they should read`,
  duplicate: (dropped: number) => `${dropped} socket${dropped === 1 ? '' : 's'} appeared twice in a read of the socket table (it changed during the read); counted once`,
  resolveCut: (mib: number) => `only the first ${mib} MiB read`,
  resolveUnread: (code: string) => `not read (${code}); numbers kept`,
  resolveTimeout: (late: number, all: number, lookup: number, total: number) =>
    `${late} of ${all} address${all === 1 ? '' : 'es'} not resolved in time (${lookup} s a lookup, ${total} s in all): shown as numbers`,
  // /proc/net files.
  procLongLine: (line: number, max: number) => `line ${line} is longer than ${max} bytes (no /proc/net line is): not read further`,
  procCannotRead: (path: string, why: string) => `cannot read ${path}: ${why}`,
  procDirectory: (path: string) => `cannot read ${path}: it is a directory`,
  procAbsent: (holds: string) => `the file is absent, so no ${holds} sockets were read (IPv6 disabled on that host, or the file was not captured)`,
  procEmpty: (holds: string) => `the file is empty, without even the header line the kernel writes, so no ${holds} sockets were read (a failed or cut copy?)`,
  // pcap and pcapng.
  pcapEmpty: 'the capture is empty',
  pcapHeaderCut: (left: number) => `the input ends after ${left} bytes, inside the file header`,
  pcapTruncated: (left: number, packets: number) => `the capture ends inside a record: ${left} bytes at the end were not read (${packets} packets before it were kept)`,
  notPcap: (bytes: string) => `not a pcap or pcapng capture (first bytes ${bytes})`,
  pcapCannotRead: (why: string) => `cannot read the capture: ${why}`,
  pcapVersion: (version: string) => `pcap version ${version} is not 2.x`,
  recordAboveSnap: (length: number, snap: number) => `record length ${length} is above the snapshot length (${snap}): the file is corrupt`,
  byteOrder: (bytes: string) => `bad byte-order magic ${bytes} in a section header block`,
  blockMultiple: (length: number) => `block length ${length} is not a multiple of 4 of at least 12`,
  blockTooLong: (length: number, max: number) => `block length ${length} is above ${max}: the file is corrupt`,
  blockTrail: (length: number, trail: number) => `block length ${length} and its trailing copy ${trail} differ`,
  /** `kind`: section header, interface description, enhanced packet, packet, simple packet (pcapng's block names). */
  blockShort: (kind: string, length: number) => `${kind} block of ${length} bytes is too short`,
  pcapngVersion: (major: number) => `pcapng version ${major} is not 1`,
  optionPast: (code: number, length: number) => `option ${code} of length ${length} runs past its block`,
  tsresol: (value: number) => `if_tsresol ${value} is out of range`,
  noInterface: (id: number, n: number) => `packet names interface ${id}, but the section has ${n} interface(s)`,
  capturedLength: (length: number, block: number) => `captured length ${length} does not fit in its block of ${block} bytes`,
  pcapDirectory: 'cannot read the capture: it is a directory, not a capture file (EISDIR)',
  unknownLink: (name: string, readable: string) => `the capture's link type is ${name}, which tcpstate does not decode (it reads ${readable}): no TCP segment can be read from it`,
  framesLink: (frames: number, types: string, readable: string) => `${frames === 1 ? '1 frame' : `${frames} frames`} of ${types}, which tcpstate does not decode (it reads ${readable})`,
  framesCut: (frames: number) => `${frames === 1 ? '1 frame' : `${frames} frames`} cut before the end of their TCP header (the snap length was too short; capture with -s 0)`,
  framesMalformed: (frames: number) => `${frames === 1 ? '1 frame' : `${frames} frames`} whose IP or TCP header fields contradict each other`,
  framesFragment: (frames: number) => `${frames === 1 ? '1 IP fragment' : `${frames} IP fragments`} of TCP segments (tcpstate does not reassemble fragments)`,
  framesLeftOut: (what: string, frames: number, first: number) =>
    `${what}, ${frames === 1 ? 'was' : 'were'} left out, the first at frame ${first}: the connections and states shown miss what they carried`,
  noneDecoded: (what: string, first: number) => `no frame could be decoded to a TCP segment: ${what}; the first at frame ${first}`,
  /** A Prometheus answer's series whose state label is no TCP state. */
  seriesNotState: (state: string) => `series with state="${state}" left out: not a TCP state`,
  /** A JSON capture's error or warning with the column it points at. */
  atColumn: (message: string, column: number) => `${message} (column ${column})`,
  /** Two reasons in a row. */
  both: (one: string, two: string) => `${one}; ${two}`,
};

const ZH: typeof EN = {
  badPort: (text, pos) => `第 ${pos} 个词的端口 "${text}" 不对：应为 :端口（0-65535 或服务名）`,
  badAddress: (text, pos) => `第 ${pos} 个词的地址 "${text}" 不对：应为 地址[/长度][:端口]、[IPv6][/长度][:端口] 或 *`,
  needsState: (text, pos) => `第 ${pos} 个词 "${text}" 后面需要一个状态名`,
  unknownState: (text, pos, states) => `第 ${pos} 个词是未知状态 "${text}"；可用的状态和状态组：${states}`,
  filterEnds: (what) => `过滤条件提前结束：还需要${WHAT_ZH[what] ?? ` ${what}`}`,
  filterEndsAfter: (what, last, pos) => `过滤条件提前结束：在 "${last}"（第 ${pos} 个词）之后还需要${WHAT_ZH[what] ?? ` ${what}`}`,
  expectedParen: (pos, found) => `第 ${pos} 个词应为 ")"，实际是 "${found}"`,
  addressOp: (op, pos) => `第 ${pos} 个词 "${op}" 不能用于地址：请用 = 或 !=`,
  beforeExpression: (text, pos) => `第 ${pos} 个词 "${text}" 必须放在表达式之前`,
  unexpectedStart: (text, pos) => `第 ${pos} 个词 "${text}" 出现在这里不对：应为 sport、dport、src、dst、not 或 "("`,
  unexpected: (text, pos) => `第 ${pos} 个词 "${text}" 出现在这里不对`,
  lineEndsEarly: '这一行提前结束了',
  expected: (what) => `应为${WHAT_ZH[what] ?? ` ${what}`}`,
  expectedFound: (what, found) => `应为${WHAT_ZH[what] ?? ` ${what}`}，实际是 "${found}"`,
  unknownStateWord: (token) => `未知状态 "${token}"，按 UNKNOWN 计`,
  unknownStateCode: (hex) => `未知状态码 ${hex}，按 UNKNOWN 计`,
  names: '地址或端口是名字或被截短了，不是数字（抓取时没加 -n 或 -W）：套接字照常计数，但不能按地址或端口匹配',
  duplicateState: (state, first) => `${state} 再次出现（第一次在第 ${first} 行）；数量已相加`,
  sameHost: (host, line, name) => `${host} 的第二份抓取（第 ${line} 行）显示为 "${name}"`,
  binary: (offset) => `二进制数据（偏移 ${offset} 处有 NUL 字节），不是文本抓取；请把 netstat、ss 或 cat /proc/net/tcp 的输出存成文本`,
  longLine: (max) => `有一行超过 ${max} 字节：不是文本抓取，或者换行符丢了`,
  encoding: '有不是 UTF-8 的字节（按 U+FFFD 读）',
  jsonTooLarge: (mib) => `JSON 抓取要整个读入，最多 ${mib} MiB；这个更大：请拆分，或把列表存成文本（tcpstate ls 不加 --json）`,
  jsonInvalid: (column, why) => `第 ${column} 列不是合法的 JSON：${why}`,
  inputFormat: (name, formats) => `未知的 --input-format "${name}"：可用的格式：${formats}`,
  emptyNothing: '输入为空：没有可读的内容',
  emptyBlank: '输入为空：只有空行',
  jsonNoCapture: '这个 JSON 里没有抓取的数据',
  noLineEnd: '最后一行没有换行符：抓取可能在这里被截断，最后一个套接字或计数可能不完整',
  noFormat: (formats, text) => `不是 tcpstate 能读的格式（试过 ${formats}）："${text}"；请用 --input-format 指定`,
  unrecognized: (lines, text) => `跳过了 ${lines} 行不认识格式的内容，开头是 "${text}"`,
  onlyPrompts: '没有套接字行或计数：只有 shell 提示符',
  lastLineCut: (message) => `${message}（最后一行没有换行符：抓取是不是被截断了？）`,
  mixedFormats: (other, format, first) => `格式混杂：这一行是 ${other} 的输出，却在 ${format} 的输出里（从第 ${first} 行开始读）；请在每条命令的输出前留一行 shell 提示符，或者拆分文件`,
  skippedLine: (format, text) => `不是 ${format} 的输出，已跳过："${text}"`,
  wrappedTwoWays: (line, one, two) => `折到第 ${line} 行的套接字行有两种读法："${one}" 和 "${two}"：请把这两行按原样接起来`,
  duplicate: (dropped) => `读取套接字表时有 ${dropped} 个套接字出现了两次（读的过程中表在变化）；只计一次`,
  resolveCut: (mib) => `只读了前 ${mib} MiB`,
  resolveUnread: (code) => `没有读（${code}）；保留数字`,
  resolveTimeout: (late, all, lookup, total) => `${all} 个地址中有 ${late} 个没能及时解析（每次查询 ${lookup} 秒，总共 ${total} 秒）：显示为数字`,
  procLongLine: (line, max) => `第 ${line} 行超过 ${max} 字节（/proc/net 里没有这么长的行）：不再往下读`,
  procCannotRead: (path, why) => `无法读取 ${path}：${why}`,
  procDirectory: (path) => `无法读取 ${path}：它是目录`,
  procAbsent: (holds) => `文件不存在，所以没有读到 ${holds} 套接字（那台主机禁用了 IPv6，或者没有抓取这个文件）`,
  procEmpty: (holds) => `文件是空的，连内核总会写的表头行都没有，所以没有读到 ${holds} 套接字（复制失败或被截断？）`,
  pcapEmpty: '抓包文件是空的',
  pcapHeaderCut: (left) => `输入在 ${left} 字节后结束，还在文件头里`,
  pcapTruncated: (left, packets) => `抓包在一条记录中间结束：末尾 ${left} 字节没有读（之前的 ${packets} 个包已保留）`,
  notPcap: (bytes) => `不是 pcap 或 pcapng 抓包（开头的字节是 ${bytes}）`,
  pcapCannotRead: (why) => `无法读取抓包：${why}`,
  pcapVersion: (version) => `pcap 版本 ${version} 不是 2.x`,
  recordAboveSnap: (length, snap) => `记录长度 ${length} 超过了快照长度（${snap}）：文件已损坏`,
  byteOrder: (bytes) => `节头块（section header block）里的字节序魔数 ${bytes} 不对`,
  blockMultiple: (length) => `块长度 ${length} 不是不小于 12 的 4 的倍数`,
  blockTooLong: (length, max) => `块长度 ${length} 超过 ${max}：文件已损坏`,
  blockTrail: (length, trail) => `块长度 ${length} 和块尾的副本 ${trail} 不一致`,
  blockShort: (kind, length) => `${kind} block 只有 ${length} 字节，太短`,
  pcapngVersion: (major) => `pcapng 版本 ${major} 不是 1`,
  optionPast: (code, length) => `长度为 ${length} 的选项 ${code} 超出了它所在的块`,
  tsresol: (value) => `if_tsresol ${value} 超出范围`,
  noInterface: (id, n) => `数据包指向接口 ${id}，但这一节只有 ${n} 个接口`,
  capturedLength: (length, block) => `捕获长度 ${length} 放不进它所在的 ${block} 字节的块`,
  pcapDirectory: '无法读取抓包：它是目录，不是抓包文件（EISDIR）',
  unknownLink: (name, readable) => `抓包的链路类型是 ${name}，tcpstate 不解码它（能读的有 ${readable}）：从中读不出任何 TCP 报文段`,
  framesLink: (frames, types, readable) => `${frames} 帧是 ${types}，tcpstate 不解码（能读的有 ${readable}）`,
  framesCut: (frames) => `${frames} 帧在 TCP 首部结束前就被截断（snap length 太短；请用 -s 0 抓包）`,
  framesMalformed: (frames) => `${frames} 帧的 IP 或 TCP 首部字段相互矛盾`,
  framesFragment: (frames) => `${frames} 个 TCP 报文段的 IP 分片（tcpstate 不重组分片）`,
  framesLeftOut: (what, frames, first) => `${what}，${frames === 1 ? '它' : '它们'}被略过了，第一个在第 ${first} 帧：显示的连接和状态缺少其中携带的内容`,
  noneDecoded: (what, first) => `没有一帧能解码成 TCP 报文段：${what}；第一个在第 ${first} 帧`,
  seriesNotState: (state) => `state="${state}" 的序列已略过：不是 TCP 状态`,
  atColumn: (message, column) => `${message}（第 ${column} 列）`,
  both: (one, two) => `${one}；${two}`,
};

export type CaptureMessages = typeof EN;

export const CATALOGUE: Catalogue<CaptureMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('captures', CATALOGUE);

/**
 * A parser's reason as catalogue data: `line ends early`, `expected X` and `expected X, found
 * "Y"` (the phrases every text and /proc parser uses), else the text as it is.
 */
export function why(text: string): Said | string {
  if (text === 'line ends early') return say('lineEndsEarly');
  const m = /^expected (.+), found "(.*)"$/s.exec(text);
  if (m) return say('expectedFound', m[1]!, m[2]!);
  const e = /^expected (.+)$/s.exec(text);
  return e ? say('expected', e[1]!) : text;
}
