/**
 * Every human-facing text `serve` prints (log lines, help, errors it makes), in one place,
 * so they can move into a message catalogue (English and Chinese, as
 * src/fsm/explain-data.ts holds explain's) without touching the code that uses them.
 * @module
 */

export const MESSAGES = {
  started: (o: { version: string; sources: string; listen: string[]; netns: string[] }) =>
    `tcpstate serve ${o.version} listening on ${o.listen.map((a) => `http://${a}/metrics`).join(', ')}; source ${o.sources}; namespaces ${o.netns.length ? o.netns.join(', ') : '(own)'}`,
  stopping: (signal: string) => `tcpstate serve: ${signal}: stopping`,
  listenFailed: (addr: string, why: string) => `cannot listen on ${addr}: ${why}`,
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
  sensitiveRefused: (path: string) => `${path} shows peers and process names; on a non-loopback listen address it needs basic auth (--web.config.file)`,
  unauthorized: 'authentication required',
  internal: 'internal error (logged by the server)',
  landing: (links: readonly string[]) =>
    `<!doctype html><html><head><title>tcpstate serve</title></head><body><h1>tcpstate serve</h1><ul>${links.map((l) => `<li><a href="${l}">${l}</a></li>`).join('')}</ul></body></html>\n`,
} as const;
