/**
 * The dashboard's static files: the client script and styles (src/web/client/) and uPlot
 * (from the `uplot` package), copied beside the compiled code by scripts/web-assets.mjs and
 * served from memory: read once, gzipped once, with an ETag, so the page works on a host
 * with no network beyond the agent itself. Only the names listed here are served.
 * @module
 */
import { createHash } from 'node:crypto';
import { fs } from '../builtins.js';
import { gzipSync } from 'node:zlib';

export const ASSET_TYPES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'uPlot.iife.min.js': 'text/javascript; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** A body as an asset: gzipped and tagged. */
export function makeAsset(type: string, body: Buffer): Asset {
  return { type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Where the copied assets live: beside the compiled web modules (also right from the command bundles in dist/src/cli). */
export function assetDir(): string {
  return new URL('../web/assets/', import.meta.url).pathname;
}

const cache = new Map<string, Asset>();

/** The asset `name`, or undefined when it is not one of ours. Throws when the build did not copy it. */
export function asset(name: string): Asset | undefined {
  if (!Object.hasOwn(ASSET_TYPES, name)) return undefined;
  let a = cache.get(name);
  if (!a) {
    a = makeAsset(ASSET_TYPES[name]!, fs.readFileSync(assetDir() + name));
    cache.set(name, a);
  }
  return a;
}
