/**
 * Every domain of the message catalogue, by name, loaded on demand (a command imports its
 * own domain directly; this list is for what needs them all: the completeness test, the
 * web page). Each domain module exports `CATALOGUE`, a {@link Catalogue}.
 * @module
 */
import type { Catalogue } from './catalogue.js';

type Loader = () => Promise<{ CATALOGUE: Catalogue<unknown> }>;

export const DOMAINS: Readonly<Record<string, Loader>> = {
  captures: () => import('./captures.js'),
  cli: () => import('./cli.js'),
  diagram: () => import('./diagram.js'),
  doctor: () => import('./doctor.js'),
  edge: () => import('./edge.js'),
  fleet: () => import('./fleet.js'),
  help: () => import('./help.js'),
  history: () => import('./history.js'),
  kernel: () => import('./kernel.js'),
  ls: () => import('./ls.js'),
  serve: () => import('./serve.js'),
  simulate: () => import('./simulate.js'),
  options: () => import('./options.js'),
  pcap: () => import('./pcap.js'),
  tables: () => import('./tables.js'),
  trace: () => import('./trace.js'),
  watch: () => import('./watch.js'),
};

/** A domain's catalogue by name. */
export async function loadDomain(name: string): Promise<Catalogue<unknown>> {
  const load = Object.hasOwn(DOMAINS, name) ? DOMAINS[name] : undefined;
  if (!load) throw new Error(`no message domain "${name}"; domains: ${Object.keys(DOMAINS).join(', ')}`);
  return (await load()).CATALOGUE;
}
