/**
 * Every human-facing text `serve` prints (log lines, help, errors it makes), in English and
 * Chinese: {@link ZH} has the type of {@link EN}, so a key missing in either does not
 * compile. The process speaks one language, chosen once at start ({@link useServeLanguage},
 * from `--lang` or the locale); error codes stay the same in both.
 * @module
 */
import { type Catalogue, catalogue, type Lang, pick, sayer } from './catalogue.js';
import { CATALOGUE as EDGE } from './edge.js';

export const EN = {
  started: (o: { version: string; sources: string; listen: string[]; netns: string[] }) =>
    `tcpstate serve ${o.version} listening on ${o.listen.map((a) => `http://${a}/metrics`).join(', ')} (dashboard: http://${o.listen[0] ?? ''}/); source ${o.sources}; namespaces ${o.netns.length ? o.netns.join(', ') : '(own)'}`,
  stopping: (signal: string) => `tcpstate serve: ${signal}: stopping`,
  listenFailed: (addr: string, why: string) => `cannot listen on ${addr}: ${why}`,
  /** An OS error's reason and code (`address already in use (EADDRINUSE)`): the OS's words in English, the errno's in Chinese. */
  osReason: (code: string, text: string) => `${text || 'unknown reason'} (${code})`,
  badListen: (addr: string) => `bad --listen "${addr}": expected HOST:PORT, [IPv6]:PORT or :PORT`,
  badPortList: (token: string) => `bad --ports entry "${token}": expected port numbers 1-65535, comma-separated`,
  unknownParameter: (name: string, allowed: readonly string[]) => `unknown query parameter "${name}"; this endpoint takes ${allowed.length ? allowed.join(', ') : 'none'}`,
  repeatedParameter: (name: string) => `query parameter "${name}" given more than once`,
  queryTooLong: (max: number) => `query string longer than ${max} bytes`,
  badNumber: (name: string, value: string, max: number) => `"${name}" takes a whole number from 0 to ${max}, got "${value}"`,
  unknownNetns: (name: string, served: readonly string[]) => `network namespace "${name}" is not served here; served: ${served.join(', ') || '(own)'}`,
  notFound: (path: string) => `no such endpoint: ${path}; see / for the list`,
  methodNotAllowed: (method: string) => `method ${method} not allowed: tcpstate serve is read-only (GET, HEAD)`,
  tooManyRequests: (max: number) => `more than ${max} requests at once; try again`,
  timedOut: (ms: number) => `request took longer than ${ms} ms`,
  sampleFailed: (why: string) => `could not read the socket table: ${why}`,
  collectorFailed: (name: string, why: string) => `collector ${name} failed: ${why}`,
  transitionsFailed: (why: string) => `transitions: ${why}`,
  transitionsStopFailed: (why: string) => `transitions: stopping the trace: ${why}`,
  sourceUnavailable: (why: string) => `unavailable (${why})`,
  ownNamespace: 'own namespace',
  sensitiveRefused: (path: string) => `${path} shows peers and process names; on a non-loopback listen address it needs basic auth (--web.config.file)`,
  badHistoryInterval: (v: string) => `--history-interval takes seconds from 0.1 to 86400, got "${v}"`,
  historyOptions: '--no-history and --history-db do not combine',
  historyOn: (db: string, s: number) => `tcpstate serve: recording history into ${db} every ${s} s (tcpstate history --db ${db})`,
  historyOff: (db: string, why: string) => `tcpstate serve: not recording history into ${db}: ${why}`,
  historyStopped: (db: string, why: string) => `tcpstate serve: stopped recording history into ${db}: ${why}`,
  badState: (v: string) => `"state" takes one TCP state (ESTABLISHED, time-wait, ...), got "${v.slice(0, 40)}"`,
  labelWithoutPrometheus: (opt: string) => `${opt} goes with --prometheus (the dashboard's fleet view)`,
  // --web.config.file (exporter-toolkit's format): names, keys and YAML as written
  webConfigTab: 'tabs are not allowed for indentation',
  webConfigLine: 'expected "key: value" (lists and flow style are not supported here)',
  webConfigAfterQuote: 'text after a quoted value',
  webConfigPem: (what: string) => `tls_server_config needs ${what}_file (or ${what})`,
  webConfigPemRead: (what: string, path: string, why: string) => `cannot read ${what}_file ${path}: ${why}`,
  webConfigRead: (why: string) => `cannot read --web.config.file: ${why}`,
  webConfigKey: (key: string) => `"${key}" is not supported by tcpstate serve (supported: tls_server_config, basic_auth_users)`,
  webConfigTlsMap: 'tls_server_config must be a map',
  webConfigTlsKey: (key: string) => `tls_server_config.${key} is not supported by tcpstate serve`,
  webConfigUsersMap: 'basic_auth_users must be a map of user: bcrypt hash',
  webConfigNotBcrypt: (user: string) => `basic_auth_users.${user} is not a bcrypt hash`,
  unauthorized: 'authentication required',
  internal: 'internal error (logged by the server)',
  landing: (links: readonly string[]) =>
    `<!doctype html><html><head><title>tcpstate serve</title></head><body><h1>tcpstate serve</h1><ul>${links.map((l) => `<li><a href="${l}">${l}</a></li>`).join('')}</ul></body></html>\n`,
};

export type ServeMessages = typeof EN;

export const ZH: ServeMessages = {
  started: (o) =>
    `tcpstate serve ${o.version} 正在监听 ${o.listen.map((a) => `http://${a}/metrics`).join('、')}（仪表盘：http://${o.listen[0] ?? ''}/）；数据源 ${o.sources}；网络命名空间${o.netns.length ? ` ${o.netns.join('、')}` : '：本进程所在的'}`,
  stopping: (signal) => `tcpstate serve：收到 ${signal}，正在停止`,
  listenFailed: (addr, why) => `无法监听 ${addr}：${why}`,
  osReason: (code, text) => `${EDGE.zh.os[code] ?? (text || '原因不明')}（${code}）`,
  badListen: (addr) => `--listen "${addr}" 格式错误：应为 HOST:PORT、[IPv6]:PORT 或 :PORT`,
  badPortList: (token) => `--ports 中的 "${token}" 有误：应为 1-65535 的端口号，以逗号分隔`,
  unknownParameter: (name, allowed) => `未知的查询参数 "${name}"；此接口接受 ${allowed.length ? allowed.join('、') : '（无参数）'}`,
  repeatedParameter: (name) => `查询参数 "${name}" 出现了不止一次`,
  queryTooLong: (max) => `查询字符串超过 ${max} 字节`,
  badNumber: (name, value, max) => `"${name}" 应为 0 到 ${max} 的整数，实际为 "${value}"`,
  unknownNetns: (name, served) => `此服务不提供网络命名空间 "${name}"；提供的有：${served.join('、') || '（本进程所在的）'}`,
  notFound: (path) => `没有这个接口：${path}；接口列表见 /`,
  methodNotAllowed: (method) => `不允许 ${method} 方法：tcpstate serve 只读（GET、HEAD）`,
  tooManyRequests: (max) => `同时请求超过 ${max} 个，请稍后重试`,
  timedOut: (ms) => `请求耗时超过 ${ms} 毫秒`,
  sampleFailed: (why) => `无法读取套接字表：${why}`,
  collectorFailed: (name, why) => `指标收集器 ${name} 出错：${why}`,
  transitionsFailed: (why) => `状态变化流（transitions）出错：${why}`,
  transitionsStopFailed: (why) => `状态变化流（transitions）停止跟踪时出错：${why}`,
  sourceUnavailable: (why) => `不可用（${why}）`,
  ownNamespace: '本进程所在的命名空间',
  sensitiveRefused: (path) => `${path} 会显示对端地址和进程名；监听在非回环地址时需要配置 basic auth（--web.config.file）`,
  badHistoryInterval: (v) => `--history-interval 应为 0.1 到 86400 之间的秒数，实际为 "${v}"`,
  historyOptions: '--no-history 与 --history-db 不能同时使用',
  historyOn: (db, s) => `tcpstate serve：每 ${s} 秒把历史记录到 ${db}（用 tcpstate history --db ${db} 查看）`,
  historyOff: (db, why) => `tcpstate serve：不记录历史到 ${db}：${why}`,
  historyStopped: (db, why) => `tcpstate serve：已停止记录历史到 ${db}：${why}`,
  badState: (v) => `"state" 应为一个 TCP 状态（ESTABLISHED、time-wait 等），实际为 "${v.slice(0, 40)}"`,
  labelWithoutPrometheus: (opt) => `${opt} 需与 --prometheus 一起使用（仪表盘的集群视图）`,
  webConfigTab: '缩进不能用制表符（Tab），请用空格',
  webConfigLine: '应为 "key: value"（这里不支持列表和流式写法）',
  webConfigAfterQuote: '带引号的值后面还有多余的文字',
  webConfigPem: (what) => `tls_server_config 需要 ${what}_file（或 ${what}）`,
  webConfigPemRead: (what, path, why) => `无法读取 ${what}_file ${path}：${why}`,
  webConfigRead: (why) => `无法读取 --web.config.file：${why}`,
  webConfigKey: (key) => `tcpstate serve 不支持 "${key}"（支持的有：tls_server_config、basic_auth_users）`,
  webConfigTlsMap: 'tls_server_config 必须是一个映射（键: 值）',
  webConfigTlsKey: (key) => `tcpstate serve 不支持 tls_server_config.${key}`,
  webConfigUsersMap: 'basic_auth_users 必须是 "用户名: bcrypt 哈希" 的映射',
  webConfigNotBcrypt: (user) => `basic_auth_users.${user} 不是 bcrypt 哈希`,
  unauthorized: '需要身份验证',
  internal: '内部错误（已记录在服务端日志）',
  landing: (links) =>
    `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>tcpstate serve</title></head><body><h1>tcpstate serve</h1><ul>${links.map((l) => `<li><a href="${l}">${l}</a></li>`).join('')}</ul></body></html>\n`,
};

export const CATALOGUE: Catalogue<ServeMessages> = catalogue(EN, ZH);

/** A message of this domain as data, rendered at the edge in the user's language (errors at start). */
export const say = sayer('serve', CATALOGUE);

/** The catalogue of a language. */
export function serveMessages(lang: Lang): ServeMessages {
  return pick(CATALOGUE, lang);
}

/** What serve says now: English until {@link useServeLanguage} chooses. */
export let MESSAGES: ServeMessages = EN;

/** The language serve speaks now (errors of other domains in its log are said in it). */
export let SERVE_LANG: Lang = 'en';

/** Choose the language of everything serve prints and answers from now on. */
export function useServeLanguage(lang: Lang): void {
  MESSAGES = serveMessages(lang);
  SERVE_LANG = lang;
}
