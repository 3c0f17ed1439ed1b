/**
 * BusyBox `netstat` output (`-an`, `-ant`, `-antp` where built with process support).
 *
 * The columns are net-tools' (BusyBox networking/netstat.c prints the same header), but
 * every TCP line says `tcp`, IPv6 ones too (`tcp 0 0 ::1:7001 :::* LISTEN`), so the family
 * comes from the address. `-e` adds no columns. Detection prefers this format over
 * net-tools when a `tcp` line carries an IPv6 address, which net-tools never prints.
 * @module
 */
import type { ParseContext, ParsedCapture, TextFormat } from './common.js';
import { classifyNetstat, type NetstatFlavor, openNetstat, parseNetstatLines } from './netstat.js';

const BUSYBOX: NetstatFlavor = { protoFamily: false };

/** Parse BusyBox netstat output. Pure. */
export function parseBusybox(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return [parseNetstatLines(lines, ctx, BUSYBOX)];
}

export const busyboxFormat: TextFormat = {
  name: 'busybox',
  title: 'BusyBox netstat (-an, -ant)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:\S*\/)?busybox\s+netstat\b(?![^|]*\|\s*(?:awk|sort|uniq))/,
  classify: (line) => classifyNetstat(line, BUSYBOX),
  open: (ctx) => openNetstat(ctx, BUSYBOX),
  parse: parseBusybox,
};
