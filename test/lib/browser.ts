/**
 * A real browser for the dashboard's tests: Debian's Chromium (/usr/bin/chromium) driven by
 * playwright-core, which downloads nothing. Each page records its console errors, uncaught
 * exceptions and every URL it requested, so a test can say "no errors" and "no request left
 * the host". Screenshots go to test-artifacts/web/ (gitignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO } from './netns.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'test-artifacts', 'web');

/** Skip (or, under TCPSTATE_REQUIRE_KERNEL=1, fail) without Chromium. */
export function chromiumOrSkip(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error(`${CHROMIUM} is missing (TCPSTATE_REQUIRE_KERNEL=1; .ci/run installs the chromium package)`);
  t.skip('chromium is not installed');
  return false;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium calls home (updates, sync, QUIC probes).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every URL requested. */
  requests: string[];
}

/** A new context and page (viewport, locale) with its errors and requests recorded. */
export async function watchedPage(b: Browser, o: { width?: number; height?: number; locale?: string; httpCredentials?: { username: string; password: string } } = {}): Promise<Watched> {
  const context = await b.newContext({
    viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
    locale: o.locale ?? 'en-US',
    ...(o.httpCredentials ? { httpCredentials: o.httpCredentials } : {}),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const w: Watched = { page, context, errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`exception: ${e.message}`));
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

/** Save a screenshot as a test artifact; returns its path. */
export async function shot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The URLs in `requests` that are not on `origin` (data: URLs are local). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
  return requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
}
