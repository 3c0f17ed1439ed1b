/**
 * Every text `fleet` and `count --hosts URL` print, in English and Chinese ({@link ZH} has
 * the type of EN, so a key missing in either does not compile), chosen by `--lang`, else
 * TCPSTATE_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG; a `zh` prefix is Chinese).
 * @module
 */

import { type Catalogue, catalogue, sayer } from './catalogue.js';
import { CATALOGUE as EDGE } from './edge.js';
import { langFromEnv } from '../lang.js';

/** The language for `env` (src/lang.ts). */
export const langOf = langFromEnv;

const EN = {
  unreachable: (url: string, why: string) => `cannot reach Prometheus at ${url}: ${why}`,
  httpStatus: (url: string, status: number, body: string) => `Prometheus at ${url} answered HTTP ${status}${body ? `: ${body}` : ''}`,
  notJson: (url: string) => `${url} did not answer with Prometheus API JSON (is it a Prometheus server?)`,
  queryFailed: (url: string, query: string, why: string) => `Prometheus at ${url} failed the query ${query}: ${why}`,
  timeout: (ms: number) => `no answer in ${ms} ms`,
  /** An OS error's reason (`connection refused`): the OS's words in English (its code when it gave none), the errno's in Chinese. */
  osReason: (code: string, text: string) => text || code,
  /** A TLS error's reason and code (`self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`): OpenSSL's words in English, ours in Chinese where known. */
  tlsReason: (code: string, text: string) => `${text} (${code})`,
  tooLarge: (max: number) => `answer larger than ${max >> 20} MiB`,
  badUrl: (opt: string, url: string) => `bad ${opt} "${url}": expected an http:// or https:// URL`,
  badDuration: (opt: string, v: string) => `bad ${opt} "${v}": expected a duration such as 30s, 15m, 1h, 2d`,
  badTime: (v: string) => `bad --at "${v}": expected RFC 3339 (2026-12-05T04:00:00Z), Unix seconds, or a duration ago (1h)`,
  badLabel: (opt: string, v: string) => `bad ${opt} "${v}": a Prometheus label name is letters, digits and _, not starting with a digit`,
  noHosts: (url: string, hostLabel: string) => `Prometheus at ${url} has no tcpstate_sockets series with a "${hostLabel}" label: are agents (tcpstate serve) scraped, and is --host-label right?`,
  readFile: (what: string, path: string, why: string) => `cannot read ${what} ${path}: ${why}`,
  agentDown: 'down: its last scrape failed (up 0)',
  noRecorded: (url: string) => `Prometheus at ${url} has no host:tcpstate_sockets:sum series: load contrib/prometheus/tcpstate.rules.yml, or leave out --recorded`,
  noCounts: 'no tcpstate_sockets: the agent could not read its socket table (tcpstate_up 0)',
  absentThen: (t: string) => `no counts at ${t} to compare with`,
  down: (why: string) => `down: ${why}`,
  agentNotCounts: (url: string) => `${url} did not answer with a tcpstate.count/1 document`,
  byNeedsState: 'one state: --by lport shows per-port columns for a single state, e.g. --by lport --state close-wait',
  hostsUrlMixed: 'count --hosts takes either capture files or agent URLs (http://HOST:PORT), not both',
  hostsUrlMixedAt: (mixed: string, word: string) => `${mixed} ("${word}")`,
};

/** The certificate errors an operator meets (Node's and OpenSSL's codes), in Chinese; others keep OpenSSL's words. */
const TLS_ZH: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: '自签名证书',
  SELF_SIGNED_CERT_IN_CHAIN: '证书链中有自签名证书',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '无法验证服务器证书的签名',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '本地找不到签发者的证书',
  UNABLE_TO_GET_ISSUER_CERT: '找不到签发者的证书',
  CERT_HAS_EXPIRED: '证书已过期',
  CERT_NOT_YET_VALID: '证书尚未生效',
  CERT_SIGNATURE_FAILURE: '证书签名无效',
  ERR_TLS_CERT_ALTNAME_INVALID: '证书上的主机名或 IP 与地址不符',
};

const ZH: typeof EN = {
  unreachable: (url, why) => `无法连接 Prometheus ${url}：${why}`,
  httpStatus: (url, status, body) => `Prometheus ${url} 返回 HTTP ${status}${body ? `：${body}` : ''}`,
  notJson: (url) => `${url} 的应答不是 Prometheus API 的 JSON（它是 Prometheus 服务器吗？）`,
  queryFailed: (url, query, why) => `Prometheus ${url} 执行查询 ${query} 失败：${why}`,
  timeout: (ms) => `${ms} 毫秒内无应答`,
  osReason: (code, text) => EDGE.zh.os[code] ?? (text || code),
  tlsReason: (code, text) => `${TLS_ZH[code] ?? text}（${code}）`,
  tooLarge: (max) => `应答超过 ${max >> 20} MiB`,
  badUrl: (opt, url) => `${opt} "${url}" 有误：应为 http:// 或 https:// 地址`,
  badDuration: (opt, v) => `${opt} "${v}" 有误：应为时长，如 30s、15m、1h、2d`,
  badTime: (v) => `--at "${v}" 有误：应为 RFC 3339 时间（2026-12-05T04:00:00Z）、Unix 秒数，或多久以前（1h）`,
  badLabel: (opt, v) => `${opt} "${v}" 有误：Prometheus 标签名由字母、数字和 _ 组成，且不以数字开头`,
  noHosts: (url, hostLabel) => `Prometheus ${url} 中没有带 "${hostLabel}" 标签的 tcpstate_sockets 序列：代理（tcpstate serve）是否被抓取？--host-label 是否正确？`,
  readFile: (what, path, why) => `无法读取 ${what} ${path}：${why}`,
  agentDown: '不可用：最近一次抓取失败（up 0）',
  noRecorded: (url) => `Prometheus ${url} 中没有 host:tcpstate_sockets:sum 序列：请加载 contrib/prometheus/tcpstate.rules.yml，或不用 --recorded`,
  noCounts: '没有 tcpstate_sockets：代理无法读取套接字表（tcpstate_up 0）',
  absentThen: (t) => `${t} 时没有可比较的计数`,
  down: (why) => `不可用：${why}`,
  agentNotCounts: (url) => `${url} 的应答不是 tcpstate.count/1 文档`,
  byNeedsState: '只能一个状态：--by lport 为单个状态按端口分列，例如 --by lport --state close-wait',
  hostsUrlMixed: 'count --hosts 接受抓取文件或代理地址（http://HOST:PORT），不能混用',
  hostsUrlMixedAt: (mixed, word) => `${mixed}（"${word}"）`,
};

/** The messages in `lang` (`--lang`), else in the language `env` asks for. */
export function messages(env: Record<string, string | undefined>, lang?: string): typeof EN {
  return (lang ?? langOf(env)) === 'zh' ? ZH : EN;
}

export type FleetMessages = typeof EN;

export const CATALOGUE: Catalogue<FleetMessages> = catalogue(EN, ZH);

/** A message of this domain as data, rendered at the edge in the user's language. */
export const say = sayer('fleet', CATALOGUE);
