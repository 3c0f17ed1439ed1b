/**
 * The dashboard's routes in `serve` (src/server/http.ts hands them over, after its auth and
 * request limits): `/` the page, `/assets/NAME` its files, `/api/v1/history` the charts'
 * data, `/api/v1/fleet` the fleet view. Bad queries are {@link QueryError}s (400 naming the
 * parameter), as in the rest of the API.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lang } from '../fsm/explain-data.js';
import type { FleetMessages } from '../i18n/fleet.js';
import type { PrometheusClient } from '../fleet/prometheus.js';
import type { HistoryStore } from '../history/store.js';
import { intParam, parseQuery, QueryError } from '../server/api.js';
import { asset, type Asset, makeAsset } from './assets.js';
import type { FleetView } from './fleet-api.js';
import { renderPage } from './page.js';

export interface WebOptions {
  version: string;
  /** The history file serve records into; undefined with --no-history. */
  historyDb?: string;
  /** The fleet view's Prometheus. */
  prometheus?: { client: PrometheusClient; view: FleetView; msg: FleetMessages };
  env?: Record<string, string | undefined>;
}

/** What the server tells a route about namespaces. */
export interface WebContext {
  /** The namespace a query names (`netns`), checked against those served: its label, or undefined for the own one. */
  netns(q: Map<string, string>): { label?: string };
  /** Labels of the served namespaces (empty: the server's own). */
  labels(): string[];
}

const API = new Set(['/api/v1/history', '/api/v1/fleet']);

/** The page's language from Accept-Language: Chinese when asked for first, else English. */
export function langOf(accept: string | undefined): Lang {
  const first = (accept ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh' : 'en';
}

/** Headers of the page: nothing may load from another origin. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class WebRoutes {
  private readonly pages = new Map<string, Asset>();
  private store: HistoryStore | undefined;

  constructor(private readonly o: WebOptions) {}

  handles(path: string): boolean {
    return path === '/' || path === '/index.html' || path.startsWith('/assets/') || API.has(path);
  }

  /** Close what the routes opened (the history file, read-only). */
  close(): void {
    try {
      this.store?.close();
    } catch {
      /* closed */
    }
    this.store = undefined;
  }

  async route(path: string, search: string, req: IncomingMessage, res: ServerResponse, head: boolean, ctx: WebContext): Promise<void> {
    if (path === '/' || path === '/index.html') {
      parseQuery(search, []);
      const lang = langOf(req.headers['accept-language']);
      const key = `${lang}\0${ctx.labels().join('\0')}`;
      let page = this.pages.get(key);
      if (!page) {
        page = makeAsset(
          'text/html; charset=utf-8',
          Buffer.from(
            renderPage(lang, {
              namespaces: ctx.labels(),
              history: this.o.historyDb !== undefined,
              version: this.o.version,
              ...(this.o.prometheus ? { prometheus: this.o.prometheus.client.shown } : {}),
            }),
          ),
        );
        if (this.pages.size > 64) this.pages.clear();
        this.pages.set(key, page);
      }
      this.file(req, res, page, head, { 'Content-Security-Policy': PAGE_CSP, Vary: 'Accept-Language, Accept-Encoding' });
      return;
    }
    if (path.startsWith('/assets/')) {
      parseQuery(search, []);
      const a = asset(path.slice('/assets/'.length));
      if (!a) throw new QueryError(404, 'ERR_NOT_FOUND', `no such asset: ${path}`);
      this.file(req, res, a, head, {});
      return;
    }
    if (path === '/api/v1/history') {
      await this.history(search, res, head, ctx);
      return;
    }
    if (path === '/api/v1/fleet') {
      await this.fleet(search, res, head);
    }
  }

  private file(req: IncomingMessage, res: ServerResponse, a: Asset, head: boolean, extra: Record<string, string>): void {
    const headers: Record<string, string | number> = { 'Content-Type': a.type, ETag: a.etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', Vary: 'Accept-Encoding', ...extra };
    if (req.headers['if-none-match'] === a.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const gz = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gz ? a.gzip : a.body;
    res.writeHead(200, { ...headers, 'Content-Length': body.length, ...(gz ? { 'Content-Encoding': 'gzip' } : {}) });
    res.end(head ? undefined : body);
  }

  private json(res: ServerResponse, doc: object, head: boolean): void {
    const body = JSON.stringify(doc) + '\n';
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.end(head ? undefined : body);
  }

  private async openStore(): Promise<HistoryStore> {
    if (this.store) return this.store;
    const { openStore } = await import('../history/store.js');
    this.store = openStore(this.o.historyDb!, { write: false, ...(this.o.env ? { env: this.o.env } : {}) });
    return this.store;
  }

  private async history(search: string, res: ServerResponse, head: boolean, ctx: WebContext): Promise<void> {
    const q = parseQuery(search, ['range', 'netns', 'by', 'top']);
    const { isGroupKind, isRange, webHistory } = await import('./history-api.js');
    const range = q.get('range') ?? '1h';
    if (!isRange(range)) throw new QueryError(400, 'ERR_QUERY', `"range" takes 1h, 1d or 1w, got "${range}"`, 'range', range);
    const by = q.get('by');
    if (by !== undefined && !isGroupKind(by)) throw new QueryError(400, 'ERR_QUERY', `"by" takes lport, rport, raddr or process, got "${by}"`, 'by', by);
    const top = intParam(q, 'top', 10, 100);
    const ns = ctx.netns(q);
    if (this.o.historyDb === undefined) throw new QueryError(404, 'ERR_NO_HISTORY', 'serve records no history (--no-history)');
    let store: HistoryStore;
    try {
      store = await this.openStore();
    } catch (e) {
      throw new QueryError(503, 'ERR_NO_HISTORY', `history file ${this.o.historyDb}: ${(e as Error).message}`);
    }
    const doc = webHistory(store.db, store.path, { range, netns: ns.label ?? '', now: Date.now(), ...(by === undefined ? {} : { by }), top });
    this.json(res, doc, head);
  }

  private async fleet(search: string, res: ServerResponse, head: boolean): Promise<void> {
    parseQuery(search, []);
    const p = this.o.prometheus;
    if (!p) throw new QueryError(404, 'ERR_NO_FLEET', 'serve was started without --prometheus');
    const { webFleet } = await import('./fleet-api.js');
    try {
      this.json(res, await webFleet(p.client, p.view, p.msg), head);
    } catch (e) {
      throw new QueryError(502, (e as { code?: string }).code ?? 'ERR_IO', (e as Error).message);
    }
  }
}
