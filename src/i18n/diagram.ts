/**
 * The texts of `tcpstate diagram`'s state figure in every format (text, SVG, DOT, Mermaid):
 * title, legend, captions of states and edges, the two close groups, the text listing's
 * headings. States and the RFC's event/action labels (`rcv SYN / snd SYN,ACK`) are the same
 * in both languages, as operators read them in RFC 9293 and in ss.
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  title: 'TCP state transition diagram (RFC 9293 Figure 5)',
  svgTitle: "TCP state transition diagram (RFC 9293 Figure 5, Stevens' layout)",
  withCounts: (total: string, from: string) => `, counts: ${total} TCP sockets${from ? `, ${from}` : ''}`,
  countsSubtitle: (total: string, from: string) => `counts: ${total} TCP sockets${from ? `, ${from}` : ''}`,
  clientPath: (path: string) => `client's usual path: ${path}`,
  serverPath: (path: string) => `server's usual path: ${path}`,
  kinds: { client: 'client path', server: 'server path', rfc: 'RFC only, not Linux', linux: 'Linux only' },
  tags: { client: '[client]', server: '[server]', rfc: '[RFC only]', linux: '[Linux only]' },
  legend: {
    client: "client's usual path",
    server: "server's usual path",
    other: 'other transitions',
    linux: 'Linux only',
    rfc: 'RFC 9293 only (Linux refuses it)',
    shading: 'shading: count on a log scale, 0',
  },
  /** Captions and group names of the figure, by their English text in src/fsm/figure.ts. */
  captions: {
    'starting point': 'starting point',
    'passive open': 'passive open',
    'active open': 'active open',
    'data transfer state': 'data transfer state',
    'simultaneous open': 'simultaneous open',
    'simultaneous close': 'simultaneous close',
    'active close': 'active close',
    'passive close': 'passive close',
  },
};

const ZH: typeof EN = {
  title: 'TCP 状态转换图（RFC 9293 图 5）',
  svgTitle: 'TCP 状态转换图（RFC 9293 图 5，Stevens 的布局）',
  withCounts: (total, from) => `，数量：共 ${total} 个 TCP 套接字${from ? `，${from}` : ''}`,
  countsSubtitle: (total, from) => `数量：共 ${total} 个 TCP 套接字${from ? `，${from}` : ''}`,
  clientPath: (path) => `客户端的常见路径：${path}`,
  serverPath: (path) => `服务端的常见路径：${path}`,
  kinds: { client: '客户端路径', server: '服务端路径', rfc: '只在 RFC 中，Linux 没有', linux: '只在 Linux 中' },
  tags: { client: '[客户端]', server: '[服务端]', rfc: '[只在 RFC 中]', linux: '[只在 Linux 中]' },
  legend: {
    client: '客户端的常见路径',
    server: '服务端的常见路径',
    other: '其他转换',
    linux: '只在 Linux 中',
    rfc: '只在 RFC 9293 中（Linux 拒绝）',
    shading: '底色：数量（对数刻度），0',
  },
  captions: {
    'starting point': '起点',
    'passive open': '被动打开',
    'active open': '主动打开',
    'data transfer state': '数据传输状态',
    'simultaneous open': '同时打开',
    'simultaneous close': '同时关闭',
    'active close': '主动关闭',
    'passive close': '被动关闭',
  },
};

export type DiagramMessages = typeof EN;

/** A caption or group name of the figure in `m`'s language (itself when not listed). */
export function caption(m: DiagramMessages, text: string): string {
  return (m.captions as Readonly<Record<string, string | undefined>>)[text] ?? text;
}

export const CATALOGUE: Catalogue<DiagramMessages> = catalogue(EN, ZH);
