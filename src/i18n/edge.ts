/**
 * The words every error and warning is wrapped in at the edge, in English and Chinese: where
 * it applies (`file:line: byte N: field F:`, written `文件:行: 字节偏移 N: 字段 F:` in Chinese,
 * option and field names kept), "warning", the summary of a code's overflow, the OS's
 * reasons (glibc's zh_CN wording), an internal error, the command line's own mistakes
 * (`--lang`, node's parseArgs errors) and the files named on it. Small: errors.ts loads it.
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  /** A location with no file: `line 3`. */
  line: (n: number) => `line ${n}`,
  byte: (n: number) => `byte ${n}`,
  field: (name: string) => `field ${name}`,
  warning: 'warning',
  /** A long word of input cut for a message: its head, then how long it was. */
  excerpt: (head: string, n: number) => `${head}... (${n} characters)`,
  /** A long quoted excerpt of input cut for a message. */
  quoted: (head: string, n: number) => `"${head}…" (${n} characters)`,
  /** The middle of a line too long for a message, cut (spaces included). */
  cut: (n: number) => ` … (${n} characters cut) … `,
  /** The summary closing a warning code's overflow. */
  more: (more: string, all: string, code: string) => `and ${more} more like this (${all} ${code} in all)`,
  internal: (message: string) => `internal error: ${message}\n(please report this with the command line that caused it)`,
  failed: (syscall: string) => `${syscall} failed`,
  /** An OS error naming no file or system call: the step that failed (when known), the errno's name and reason. */
  osError: (code: string, reason: string, step: string) => `${step ? `${step}: ` : ''}${reason} (${code})`,
  /** Where counts were read, and from which source (explain, diagram --counts). */
  countsFrom: (where: string, source: string) => `${where}, ${source}`,
  /** A network namespace, as a place counts were read. */
  inNetns: (name: string) => `netns ${name}`,
  /** OS error reasons by code; a code not here keeps the OS's English text. */
  os: {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'illegal operation on a directory',
    ENOTDIR: 'not a directory',
    ENOSPC: 'no space left on device',
    EIO: 'i/o error',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EMFILE: 'too many open files',
    ENAMETOOLONG: 'name too long',
    ELOOP: 'too many symbolic links encountered',
    EADDRINUSE: 'address already in use',
    EADDRNOTAVAIL: 'address not available',
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'connection timed out',
    EINVAL: 'invalid argument',
    ENOMEM: 'cannot allocate memory',
    E2BIG: 'argument list too long',
    ENOTSUP: 'operation not supported',
    EBUSY: 'device or resource busy',
    ENOSYS: 'function not implemented',
    EBADF: 'bad file descriptor',
    EAGAIN: 'resource temporarily unavailable',
    ESRCH: 'no such process',
    EPROTO: 'protocol error',
    ECONNRESET: 'connection reset by peer',
    EHOSTUNREACH: 'host is unreachable',
    ENETUNREACH: 'network is unreachable',
    EPIPE: 'broken pipe',
    ECONNABORTED: 'software caused connection abort',
    EEXIST: 'file already exists',
    ENOTEMPTY: 'directory not empty',
    ENODEV: 'no such device',
    EFBIG: 'file too large',
    ENXIO: 'no such device or address',
    ENOBUFS: 'no buffer space available',
    EAFNOSUPPORT: 'address family not supported',
    ECANCELED: 'operation canceled',
  } as Readonly<Record<string, string>>,
  /** An OS error's reason: the OS's words in English (its code when it gave none), the errno's in Chinese (`os` above). */
  osReason: (code: string, text: string) => text || code,
  /** An OS error as words and its code: `no such file or directory (ENOENT)`. */
  osWords: (code: string, text: string) => `${text || code} (${code})`,
  writeFailed: (what: 'output' | 'error', reason: string) => `cannot write standard ${what}: ${reason}`,
  langValue: (value: string) => `--lang takes en | zh, got "${value}"`,
  // node:util parseArgs, in our words (its English kept as it was).
  unknownOption: (flag: string, where: string) => `Unknown option '${flag}'${where}; see --help`,
  missingValue: (flag: string, where: string) => `Option '${flag} <value>' argument missing${where}; see --help`,
  notBoolean: (flag: string, where: string) => `Option '${flag}' does not take an argument${where}; see --help`,
  /** A value option followed by a word starting with a dash (`--top -x`): the value forgotten, or one that starts with a dash. */
  ambiguousValue: (flag: string, written: string, where: string) =>
    `Option '${flag}' takes a value, but the next word starts with a dash${where}; give the value, or write ${written} for a value that starts with one; see --help`,
  parseArgs: (message: string, where: string) => `${message}${where}; see --help`,
  argument: (n: number, token: string) => ` (argument ${n}: "${token}")`,
  wholeNumber: (name: string, value: string) => `${name} takes a whole number, got "${value}"`,
  oneOf: (name: string, allowed: string, value: string) => `${name} takes ${allowed}, got "${value}"`,
  outputClash: (a: string, b: string) => `${a} and ${b} ask for different outputs: give one`,
  // Files named on the command line.
  isDirectory: (p: string, n: number, example: string) => `"${p}" is a directory, not a capture file (argument ${n}); name the files in it, e.g. ${example}/*.txt`,
  noSuchFile: (p: string, n: number) => `no such file: "${p}" (argument ${n} is neither a capture file nor a filter word such as state, sport, dst)`,
  cannotRead: (why: string) => `cannot read: ${why}`,
  stdinTwice: 'stdin (-) is named twice: it can be read once',
  emptyInput: 'empty input: counted as no sockets',
  liveOption: (name: string) => `${name} reads the live table; it does not apply to capture files`,
  udpCaptured: 'captured inputs are read for TCP sockets only; -u does not apply to them',
  summaryFilter: (host: string, format: string) => `${host} is a per-state summary (${format}): address and port filters need a full listing (netstat -an, ss -tan, /proc/net/tcp)`,
  summaryFamily: (host: string, format: string) => `${host} is a per-state summary (${format}): it does not tell IPv4 from IPv6, so -4/-6 cannot apply`,
};

const ZH: typeof EN = {
  line: (n) => `第 ${n} 行`,
  byte: (n) => `字节偏移 ${n}`,
  field: (name) => `字段 ${name}`,
  warning: '警告',
  excerpt: (head, n) => `${head}...（共 ${n} 个字符）`,
  quoted: (head, n) => `"${head}…"（共 ${n} 个字符）`,
  cut: (n) => ` …（删去 ${n} 个字符）… `,
  more: (more, all, code) => `另有 ${more} 条同类警告（${code} 共 ${all} 条）`,
  internal: (message) => `内部错误：${message}\n（请把引发它的命令行一并报告给我们）`,
  failed: (syscall) => `${syscall} 调用失败`,
  osError: (code, reason, step) => `${step ? `${step}：` : ''}操作系统错误 ${code}：${reason}`,
  countsFrom: (where, source) => `${where}，${source}`,
  inNetns: (name) => `网络命名空间 ${name}`,
  os: {
    ENOENT: '没有那个文件或目录',
    EACCES: '权限不够',
    EPERM: '不允许的操作',
    EISDIR: '对目录的非法操作',
    ENOTDIR: '不是目录',
    ENOSPC: '设备上没有空间',
    EIO: '输入/输出错误',
    EROFS: '只读文件系统',
    EDQUOT: '超出磁盘配额',
    EMFILE: '打开的文件过多',
    ENAMETOOLONG: '文件名过长',
    ELOOP: '符号链接的层数过多',
    EADDRINUSE: '地址已在使用',
    EADDRNOTAVAIL: '无法指定被请求的地址',
    ECONNREFUSED: '连接被拒绝',
    ETIMEDOUT: '连接超时',
    EINVAL: '无效的参数',
    ENOMEM: '无法分配内存',
    E2BIG: '参数列表过长',
    ENOTSUP: '不支持的操作',
    EBUSY: '设备或资源忙',
    ENOSYS: '函数未实现',
    EBADF: '错误的文件描述符',
    EAGAIN: '资源暂时不可用',
    ESRCH: '没有那个进程',
    EPROTO: '协议错误',
    ECONNRESET: '连接被对方重设',
    EHOSTUNREACH: '没有到主机的路由',
    ENETUNREACH: '网络不可达',
    EPIPE: '断开的管道',
    ECONNABORTED: '软件导致的连接断开',
    EEXIST: '文件已存在',
    ENOTEMPTY: '目录非空',
    ENODEV: '没有那个设备',
    EFBIG: '文件过大',
    ENXIO: '没有那个设备或地址',
    ENOBUFS: '没有可用的缓冲区空间',
    EAFNOSUPPORT: '地址族不为协议所支持',
    ECANCELED: '操作已取消',
  },
  osReason: (code, text) => ZH.os[code] ?? (text || code),
  osWords: (code, text) => `${ZH.os[code] ?? (text || code)}（${code}）`,
  writeFailed: (what, reason) => `无法写入标准${what === 'output' ? '输出' : '错误'}：${reason}`,
  langValue: (value) => `--lang 只能是 en 或 zh，而不是 "${value}"`,
  unknownOption: (flag, where) => `未知选项 '${flag}'${where}；参见 --help`,
  missingValue: (flag, where) => `选项 '${flag}' 缺少参数${where}；参见 --help`,
  notBoolean: (flag, where) => `选项 '${flag}' 不带参数${where}；参见 --help`,
  ambiguousValue: (flag, written, where) => `选项 '${flag}' 需要一个值，但下一个词以短横线开头${where}；请给出值，若值本身以短横线开头，写成 ${written}；参见 --help`,
  parseArgs: (message, where) => `${message}${where}；参见 --help`,
  argument: (n, token) => `（第 ${n} 个参数："${token}"）`,
  wholeNumber: (name, value) => `${name} 需要一个非负整数，而不是 "${value}"`,
  oneOf: (name, allowed, value) => `${name} 只能是 ${allowed}，而不是 "${value}"`,
  outputClash: (a, b) => `${a} 和 ${b} 要的是不同的输出格式：只能给一个`,
  isDirectory: (p, n, example) => `"${p}" 是目录，不是抓取的文件（第 ${n} 个参数）；请指明其中的文件，例如 ${example}/*.txt`,
  noSuchFile: (p, n) => `没有这个文件："${p}"（第 ${n} 个参数既不是抓取的文件，也不是 state、sport、dst 这样的过滤词）`,
  cannotRead: (why) => `无法读取：${why}`,
  stdinTwice: '标准输入 (-) 出现了两次：它只能读一次',
  emptyInput: '输入为空：按没有套接字计',
  liveOption: (name) => `${name} 读的是实时套接字表，不适用于抓取的文件`,
  udpCaptured: '抓取的输入只读 TCP 套接字；-u 对它们不适用',
  summaryFilter: (host, format) => `${host} 是按状态的汇总（${format}）：地址和端口过滤需要完整的列表（netstat -an、ss -tan、/proc/net/tcp）`,
  summaryFamily: (host, format) => `${host} 是按状态的汇总（${format}）：分不出 IPv4 和 IPv6，所以 -4/-6 不适用`,
};

export type EdgeMessages = typeof EN;

export const CATALOGUE: Catalogue<EdgeMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('edge', CATALOGUE);
