/**
 * What a finished connection looks like to renderers and in `tcpstate pcap --json`
 * (docs/json.md), and the capture's times as they are written there.
 * @module
 */
import type { PcapConnectionDoc, PcapEndpointDoc } from '../model/documents.js';
import type { Step } from './endpoint.js';

/** One end of a finished connection, as `tcpstate pcap --json` writes it. */
export type EndpointRecord = PcapEndpointDoc;

/** A finished connection: the document's, with the timeline's steps not yet written as JSON. */
export interface ConnectionRecord extends Omit<PcapConnectionDoc, 'timeline'> {
  timeline?: Step[];
}

/** ISO time with nanoseconds trimmed to microseconds: `2026-11-24T06:37:05.467058Z`. */
let isoSec = NaN;
let isoPrefix = '';
export function isoTime(sec: number, nsec: number): string {
  // Beyond what Date can show (a corrupt if_tsoffset can put a packet there): plain seconds.
  if (!(Math.abs(sec) < 8.64e12)) return `@${sec}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}`;
  if (sec !== isoSec) {
    isoSec = sec;
    isoPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  return `${isoPrefix}.${String(Math.floor(nsec / 1000)).padStart(6, '0')}Z`;
}

/** Seconds rounded to microseconds, as the records give them. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
