/**
 * The errors and warnings of reading the kernel, in English and Chinese: sock_diag replies
 * and recordings (`--record`, `--replay`, `ss -D`), the BPF iterators' records, counters
 * (net/snmp, net/netstat), sysctls, process names, the samplers' worker threads, and
 * tracing. Kernel names (NLMSG_DONE, inet_diag_msg, AF_INET), files and states stay as written.
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  // Counter files (net/snmp, net/netstat): a header line of names, then a line of values.
  countersHeader: 'expected "Section: names"',
  countersNoValues: (section: string) => `header line of "${section}" has no value line after it`,
  countersMismatch: (section: string, names: number, values: number) => `"${section}" names ${names} counters but gives ${values} values`,
  countersKeyValue: 'expected "Section: key value ..."',
  countersOddWords: (section: string) => `"${section}" has a key without a value`,
  notWholeNumber: (value: string) => `value "${value}" is not a whole number`,
  // Sysctl files.
  emptyValue: 'empty value',
  oneNumber: (n: number) => `expected one number, got ${n}`,
  sysctlInvalid: (value: string, why: string) => `value "${value}" is not one the kernel accepts (${why})`,
  sysctlUnused: (value: string, why: string, rules: string) => `value "${value}" is not one the kernel accepts (${why}); ${rules} could not use it`,
  portRangeCount: (n: number) => `the kernel shows two numbers, low and high, not ${n}`,
  portRangeBounds: 'ports run from 1 to 65535',
  portRangeOrder: (lo: number, hi: number) => `the low end (${lo}) is above the high end (${hi})`,
  tcpMemCount: (n: number) => `the kernel shows three numbers (pages: low, pressure, high), not ${n}`,
  tcpMemSigned: 'page counts are unsigned',
  oneNumberShown: (n: number) => `the kernel shows one number, not ${n}`,
  accepts: (lo: number, hi: number) => `the kernel accepts ${lo} to ${hi}`,
  // Small files of a proc tree.
  tooLong: (max: number, what: string) => `longer than ${max} bytes, which no ${what} is: not read further`,
  sysctlValue: 'sysctl value',
  counterFile: 'counter file',
  longComm: (bytes: number, max: number) => `process name of ${bytes} bytes, where the kernel keeps at most ${max}: cut to ${max} (an altered proc tree?)`,
  longCommMore: (read: number, max: number) => `process name of more than ${read} bytes, where the kernel keeps at most ${max}: cut to ${max} (an altered proc tree?)`,
  // BPF iterator records and trace events.
  notPairs: (name: string, length: number) => `${name}: ${length} bytes is not a whole number of (state, family) pairs`,
  notRecords: (name: string, length: number, size: number) => `${name}: ${length} bytes is not a whole number of ${size}-byte records`,
  badFamily: (name: string, family: number, at: number) => `${name}: address family ${family} at byte ${at}, expected 2 (IPv4) or 10 (IPv6)`,
  unknownStateCode: (raw: number) => `unknown state code ${raw}, counted as UNKNOWN`,
  unknownStateSockets: (raw: number, n: number) => `unknown state code ${raw} (${n} sockets), counted as UNKNOWN`,
  // sock_diag replies, live or recorded.
  nlHeaderCut: (have: number) => `truncated netlink header: ${have} of 16 bytes`,
  nlBelowHeader: (len: number) => `netlink message length ${len} is below the 16-byte header`,
  nlTooLong: (len: number, max: number) => `netlink message length ${len} is larger than any sock_diag message (at most ${max} bytes accepted)`,
  nlPastEnd: (len: number, left: number) => `netlink message of ${len} bytes runs past the end of the input (${left} bytes left)`,
  nlNoErrorCode: 'NLMSG_ERROR message without an error code',
  nlOverrun: 'NLMSG_OVERRUN: the kernel dropped part of the reply',
  nlType: (type: number) => `unexpected netlink message type ${type}`,
  nlShortDiag: (len: number) => `sock_diag message of ${len} bytes is shorter than header + inet_diag_msg (88)`,
  nlFamily: (family: number) => `address family ${family} is neither AF_INET (2) nor AF_INET6 (10)`,
  nlAttribute: (len: number, left: number) => `attribute length ${len} does not fit in its message (${left} bytes left)`,
  dumpIntr: 'the socket table changed during the dump (NLM_F_DUMP_INTR): some sockets may be missing or seen twice',
  kernelRefused: (name: string) => `the kernel refused the sock_diag request: ${name}`,
  netlinkFailed: (why: string) => `netlink sock_diag: ${why}`,
  needsRoot: (why: string) => `${why} (needs root)`,
  // Recordings.
  secondDump: (pairs: string, start: number, next: number, firstEnd: number) =>
    `a second dump of ${pairs} sockets (bytes ${start}-${next}; an earlier dump of them ended at byte ${firstEnd}): the file holds more than one snapshot (recordings joined together?), and counting both would count every socket twice; replay each recording on its own`,
  noDone: 'unexpected end of file: no NLMSG_DONE ends the dump, so it is incomplete (a recording cut short, as by a full disk or an interrupted run)',
  dumpNoDone: (start: number) =>
    `unexpected end of file: the dump that begins at byte ${start} has no NLMSG_DONE, so it is incomplete (a recording cut short, as by a full disk or an interrupted run)`,
  notRecorded: (what: string) => `the recording holds no dump of ${what} sockets, so they are not in this answer (recorded without them, or cut short between dumps)`,
  cannotRead: (path: string, why: string) => `cannot read ${path}: ${why}`,
  cannotWrite: (path: string, why: string) => `cannot write ${path}: ${why}`,
  isDirectory: 'it is a directory',
  noSpace: 'ENOSPC (no space left on device)',
  replayEmpty: (path: string) => `${path} is empty: it holds no sock_diag messages`,
  // The samplers' worker threads.
  workerFailed: (why: string) => `sampler worker failed: ${why}`,
  workerExited: 'sampler worker exited',
  samplerClosed: 'the sampler is closed',
  sampleTimeout: (ms: number) => `a sample took longer than ${ms} ms`,
  samplerRestarted: 'the sampler was restarted after a sample timed out',
  noRows: 'the sample holds no rows (it was taken for aggregates only)',
  watchFailed: (why: string) => `watch sampler failed: ${why}`,
  watchExited: 'watch sampler exited',
  watchClosed: 'watch sampler closed',
  // Tracing.
  // Notices: how an answer was read.
  readingFallback: (source: string, reasons: string) => `reading ${source} (${reasons})`,
  sourceUnavailable: (name: string, why: string) => `${name} unavailable: ${why}`,
  reasonsJoined: (a: string, b: string) => `${a}; ${b}`,
  hiddenProcesses: (n: number) => `${n} processes of other users are hidden (run as root to see every owner)`,
  cannotTrace: (why: string) => `cannot trace TCP state changes here: ${why}`,
  cannotTraceRoot: (why: string) => `cannot trace TCP state changes here: ${why} (trace needs root: CAP_BPF and CAP_PERFMON)`,
  ownersUnknown: (why: string) => `socket owners unknown: ${why}`,
  listenersUnread: (why: string) => `listeners present at start not read: ${why}`,
  traceUnknownState: 'a state code tcpstate does not know was counted as UNKNOWN',
};

const ZH: typeof EN = {
  countersHeader: '应为 "Section: 名字…"',
  countersNoValues: (section) => `"${section}" 的表头行后面没有数值行`,
  countersMismatch: (section, names, values) => `"${section}" 列了 ${names} 个计数器，却给了 ${values} 个值`,
  countersKeyValue: '应为 "Section: 键 值 …"',
  countersOddWords: (section) => `"${section}" 有一个键没有值`,
  notWholeNumber: (value) => `值 "${value}" 不是整数`,
  emptyValue: '值为空',
  oneNumber: (n) => `应为一个数，实际有 ${n} 个`,
  sysctlInvalid: (value, why) => `值 "${value}" 内核不会接受（${why}）`,
  sysctlUnused: (value, why, rules) => `值 "${value}" 内核不会接受（${why}）；${rules} 无法使用它`,
  portRangeCount: (n) => `内核显示两个数（下限和上限），不是 ${n} 个`,
  portRangeBounds: '端口范围是 1 到 65535',
  portRangeOrder: (lo, hi) => `下限（${lo}）大于上限（${hi}）`,
  tcpMemCount: (n) => `内核显示三个数（单位为页：low、pressure、high），不是 ${n} 个`,
  tcpMemSigned: '页数是无符号数',
  oneNumberShown: (n) => `内核只显示一个数，不是 ${n} 个`,
  accepts: (lo, hi) => `内核接受 ${lo} 到 ${hi}`,
  tooLong: (max, what) => `超过 ${max} 字节（${what}不会这么长）：不再往下读`,
  sysctlValue: 'sysctl 值',
  counterFile: '计数器文件',
  longComm: (bytes, max) => `进程名有 ${bytes} 字节，而内核最多保留 ${max} 字节：截断为 ${max} 字节（proc 目录树被改过？）`,
  longCommMore: (read, max) => `进程名超过 ${read} 字节，而内核最多保留 ${max} 字节：截断为 ${max} 字节（proc 目录树被改过？）`,
  notPairs: (name, length) => `${name}：${length} 字节不是整数个（状态，地址族）对`,
  notRecords: (name, length, size) => `${name}：${length} 字节不是整数个 ${size} 字节的记录`,
  badFamily: (name, family, at) => `${name}：第 ${at} 字节处的地址族是 ${family}，应为 2（IPv4）或 10（IPv6）`,
  unknownStateCode: (raw) => `未知状态码 ${raw}，按 UNKNOWN 计`,
  unknownStateSockets: (raw, n) => `未知状态码 ${raw}（${n} 个套接字），按 UNKNOWN 计`,
  nlHeaderCut: (have) => `netlink 消息头不完整：只有 16 字节中的 ${have} 字节`,
  nlBelowHeader: (len) => `netlink 消息长度 ${len} 小于 16 字节的消息头`,
  nlTooLong: (len, max) => `netlink 消息长度 ${len} 比任何 sock_diag 消息都长（最多接受 ${max} 字节）`,
  nlPastEnd: (len, left) => `${len} 字节的 netlink 消息超出了输入的末尾（只剩 ${left} 字节）`,
  nlNoErrorCode: 'NLMSG_ERROR 消息里没有错误码',
  nlOverrun: 'NLMSG_OVERRUN：内核丢弃了部分回复',
  nlType: (type) => `意外的 netlink 消息类型 ${type}`,
  nlShortDiag: (len) => `${len} 字节的 sock_diag 消息比消息头加 inet_diag_msg（88 字节）还短`,
  nlFamily: (family) => `地址族 ${family} 既不是 AF_INET（2）也不是 AF_INET6（10）`,
  nlAttribute: (len, left) => `属性长度 ${len} 超出了所在的消息（只剩 ${left} 字节）`,
  dumpIntr: '转储过程中套接字表发生了变化（NLM_F_DUMP_INTR）：可能漏掉了一些套接字，或者有的被看到了两次',
  kernelRefused: (name) => `内核拒绝了 sock_diag 请求：${name}`,
  netlinkFailed: (why) => `netlink sock_diag：${why}`,
  needsRoot: (why) => `${why}（需要 root 权限）`,
  secondDump: (pairs, start, next, firstEnd) =>
    `${pairs} 套接字的第二次转储（字节 ${start}-${next}；之前的一次转储结束于字节 ${firstEnd}）：这个文件里不止一个快照（几份录制被拼在了一起？），两个都算会把每个套接字算两次；请分别回放每份录制`,
  noDone: '文件意外结束：没有 NLMSG_DONE 结束这次转储，所以它不完整（录制被截断了，比如磁盘写满或运行被中断）',
  dumpNoDone: (start) => `文件意外结束：从字节 ${start} 开始的转储没有 NLMSG_DONE，所以它不完整（录制被截断了，比如磁盘写满或运行被中断）`,
  notRecorded: (what) => `录制里没有 ${what} 套接字的转储，所以结果里没有它们（录制时没包括它们，或者在两次转储之间被截断）`,
  cannotRead: (path, why) => `无法读取 ${path}：${why}`,
  cannotWrite: (path, why) => `无法写入 ${path}：${why}`,
  isDirectory: '它是目录',
  noSpace: 'ENOSPC（设备上没有空间）',
  replayEmpty: (path) => `${path} 是空的：里面没有 sock_diag 消息`,
  workerFailed: (why) => `采样工作线程出错：${why}`,
  workerExited: '采样工作线程退出了',
  samplerClosed: '采样器已关闭',
  sampleTimeout: (ms) => `一次采样用了超过 ${ms} 毫秒`,
  samplerRestarted: '一次采样超时后，采样器已重启',
  noRows: '这份采样里没有套接字行（采样时只要了汇总）',
  watchFailed: (why) => `watch 的采样线程出错：${why}`,
  watchExited: 'watch 的采样线程退出了',
  watchClosed: 'watch 的采样线程已关闭',
  readingFallback: (source, reasons) => `改为读取 ${source}（${reasons}）`,
  sourceUnavailable: (name, why) => `${name} 不可用：${why}`,
  reasonsJoined: (a, b) => `${a}；${b}`,
  hiddenProcesses: (n) => `其他用户的 ${n} 个进程被隐藏了（以 root 运行才能看到所有属主）`,
  cannotTrace: (why) => `无法在这里跟踪 TCP 状态变化：${why}`,
  cannotTraceRoot: (why) => `无法在这里跟踪 TCP 状态变化：${why}（trace 需要 root 权限：CAP_BPF 和 CAP_PERFMON）`,
  ownersUnknown: (why) => `不知道套接字属于哪些进程：${why}`,
  listenersUnread: (why) => `没有读到开始时已有的监听套接字：${why}`,
  traceUnknownState: '有 tcpstate 不认识的状态码，按 UNKNOWN 计',
};

export type KernelMessages = typeof EN;

export const CATALOGUE: Catalogue<KernelMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('kernel', CATALOGUE);
