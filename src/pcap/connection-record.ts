/**
 * What a finished connection looks like to renderers and in `tcpstate pcap --json`
 * (docs/json.md), and the capture's times as they are written there.
 * @module
 */
import type { Step } from './endpoint.js';

/** What a finished connection looks like to renderers (docs: `tcpstate pcap --json`). */
export interface EndpointRecord {
  address: string;
  port: number;
  /** Final state, netstat spelling. */
  state: string;
  /** How that state was established: observed, inferred or projected ('' if never seen). */
  how: string;
  packets: number;
  /** Frame bytes, as tshark's conversation table counts them. */
  bytes: number;
  /** TCP payload bytes. */
  payload: number;
  /** When its TIME_WAIT ends (ISO time), if it is in TIME_WAIT. */
  timeWaitEnds?: string;
}

export interface ConnectionRecord {
  /** 1-based, in order of each connection's first packet. */
  id: number;
  family: 4 | 6;
  orig: EndpointRecord;
  resp: EndpointRecord;
  /** No SYN was seen: which side opened the connection is a guess. */
  originGuessed: boolean;
  /** First packet: ISO time and seconds since the capture's first packet. */
  start: string;
  relStart: number;
  /** Last packet minus first packet, seconds. */
  duration: number;
  firstFrame: number;
  connState: string;
  history: string;
  anomalies: string[];
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
