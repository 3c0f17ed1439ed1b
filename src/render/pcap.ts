/**
 * `tcpstate pcap` output, written as connections finish (a capture can hold millions): one
 * row per connection (endpoints, start, duration, packets and bytes each way, both endpoints'
 * final states, Zeek's conn_state and history), or each connection's timeline; then the count
 * of final states in `tcpstate count`'s form. Text column widths are fixed from the first
 * rows, so output streams; JSON is one document written piece by piece.
 * @module
 */
import type { StateCounts } from '../model/count.js';
import { stateName } from '../model/state.js';
import type { Warning } from '../model/errors.js';
import type { CaptureCounts, ConnectionRecord, FlowTable } from '../pcap/flow.js';
import { formatEndpoint } from '../model/address.js';
import type { Step } from '../pcap/endpoint.js';
import { countsObject, renderCounts } from './count.js';
import { type Column, renderTable } from './text.js';
import { RowBytes, secondsText } from './row-bytes.js';
import { AF_INET } from '../model/address.js';
import { HIST_BYTES } from '../pcap/zeek.js';
import { total } from '../model/count.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as PCAP, type PcapMessages } from '../i18n/pcap.js';
import { displayWidth } from './wrap.js';
import { type PcapConnectionDoc, type PcapDocument, type PcapStepDoc, SCHEMAS } from '../model/documents.js';

/** Rows buffered to size the text columns before streaming. */
const SIZING_ROWS = 256;

function endpointText(address: string, port: number, family: 4 | 6): string {
  return family === 4 ? `${address}:${port}` : `[${address}]:${port}`;
}

const seconds = secondsText;

/** Which columns of the connection table are right-aligned (headings from the catalogue). */
const RIGHT = [false, false, true, true, true, true, true, true, false, false, false, false];

/** One connection as text cells; a guessed originator is marked `~`. */
export function connectionCells(r: ConnectionRecord): string[] {
  return [
    (r.originGuessed ? '~' : '') + endpointText(r.orig.address, r.orig.port, r.family),
    endpointText(r.resp.address, r.resp.port, r.family),
    seconds(r.relStart),
    seconds(r.duration),
    String(r.orig.packets),
    String(r.orig.bytes),
    String(r.resp.packets),
    String(r.resp.bytes),
    r.orig.state,
    r.resp.state,
    r.connState,
    r.history || '-',
  ];
}

/** The same cells read straight from a live table slot (no record object: the fast path). */
export function slotCells(ft: FlowTable, slot: number): string[] {
  const fam = ft.familyOf(slot);
  const ss = ft.startSec[slot]!;
  const sn = ft.startNsec[slot]!;
  return [
    (ft.originGuessed(slot) ? '~' : '') + formatEndpoint(fam, ft.h8, ft.addrOff(slot, 0), ft.portOf(slot, 0)),
    formatEndpoint(fam, ft.h8, ft.addrOff(slot, 1), ft.portOf(slot, 1)),
    seconds(ss - ft.firstSec + (sn - ft.firstNsec) / 1e9),
    seconds(ft.lastSecOf(slot) - ss + (ft.lastNsecOf(slot) - sn) / 1e9),
    String(ft.packetsOf(slot, 0)),
    String(ft.bytesOf(slot, 0)),
    String(ft.packetsOf(slot, 1)),
    String(ft.bytesOf(slot, 1)),
    stateName(ft.state(slot, 0)),
    stateName(ft.state(slot, 1)),
    ft.zeek.connState(slot),
    ft.zeek.history(slot) || '-',
  ];
}

/** A step as JSON: state names instead of codes, time relative to the connection's start. */
export function stepJson(s: Step, _r: ConnectionRecord, startSec: number, startNsec: number): PcapStepDoc {
  return {
    t: Math.round((s.sec - startSec + (s.nsec - startNsec) / 1e9) * 1e6) / 1e6,
    frame: s.frame,
    endpoint: s.side === 0 ? 'originator' : 'responder',
    from: stateName(s.from),
    to: stateName(s.to),
    ...(s.origin ? { origin: s.origin } : {}),
    how: s.tag,
    event: s.event,
    row: s.row,
    why: s.note,
    segment: s.segment,
  };
}

function parseIso(iso: string): [number, number] {
  const sec = Math.floor(Date.parse(iso.slice(0, 19) + 'Z') / 1000);
  return [sec, Number(iso.slice(20, 26)) * 1000];
}

/** `+0.000019  #2  < S. seq=0 ack=1 ...  responder  LISTEN → SYN_RECV (passive)  observed  rcv-syn S5  why` */
export function renderTimeline(r: ConnectionRecord, lang: Lang = 'en'): string {
  const m = pick(PCAP, lang).timeline;
  const [ss, sn] = parseIso(r.start);
  const head = `#${r.id} ${(r.originGuessed ? '~' : '') + endpointText(r.orig.address, r.orig.port, r.family)} > ${endpointText(r.resp.address, r.resp.port, r.family)}  ${r.connState} ${r.history || '-'}  ${m.final(r.orig.state, r.resp.state)}${r.anomalies.length ? `  ${m.anomalies(r.anomalies.join(','))}` : ''}\n`;
  const rows = (r.timeline ?? []).map((s) => {
    const t = s.sec - ss + (s.nsec - sn) / 1e9;
    return [
      '  +' + t.toFixed(6),
      s.frame ? `#${s.frame}` : '-',
      s.segment || m.timer,
      m.endpoints[s.side === 0 ? 0 : 1]!,
      `${stateName(s.from)} -> ${stateName(s.to)}${s.origin ? ` (${m.origin[s.origin] ?? s.origin})` : ''}`,
      m.how[s.tag] ?? s.tag,
      s.event ? `${s.event}${s.row ? ` ${s.row}` : ''}` : '-',
      m.why[s.note] ?? s.note,
    ];
  });
  if (!rows.length) return head + m.noChange + '\n\n';
  return (
    head +
    renderTable(
      m.columns.map((header): Column => ({ header })),
      rows,
    ) +
    '\n'
  );
}

export interface PcapMeta {
  file: string;
  format: string;
  counts: CaptureCounts;
  anomalies: Record<string, number>;
  warnings: Warning[];
}

/** Something that receives finished connections and closes the document. */
export interface PcapWriter {
  /** A finished connection; null when only its count is wanted (`--count`). */
  add(r: ConnectionRecord | null): void;
  end(states: StateCounts, meta: PcapMeta): void;
}

/** Text: the connection table (or timelines), then the state count and notes. */
export class PcapTextWriter implements PcapWriter {
  private pending: string[][] = [];
  private widths: number[] | null = null;
  private readonly rb: RowBytes;
  private shown = 0;

  /** `sizingRows`: rows that fix the column widths before rows stream as bytes (256). */
  private readonly m: PcapMessages;

  constructor(
    out: (s: string) => void,
    private readonly opts: { timeline?: boolean; header?: boolean; rows?: boolean; sizingRows?: number; lang?: Lang } = {},
  ) {
    this.rb = new RowBytes(out);
    this.m = pick(PCAP, opts.lang ?? 'en');
  }

  private write(s: string): void {
    this.rb.room(s.length * 3);
    this.rb.utf8(s);
  }

  private flush(): void {
    this.rb.flush();
  }

  add(r: ConnectionRecord | null): void {
    this.shown++;
    if (r === null || this.opts.rows === false) return;
    if (this.opts.timeline) {
      this.write(renderTimeline(r, this.opts.lang));
      return;
    }
    this.addCells(connectionCells(r));
  }

  /** A row straight from the table (no timeline wanted): bytes once the widths are known. */
  addSlot(ft: FlowTable, slot: number): void {
    this.shown++;
    if (this.opts.rows === false) return;
    if (!this.widths) {
      this.addCells(slotCells(ft, slot));
      return;
    }
    const w = this.widths;
    const rb = this.rb;
    const hn = ft.zeek.histLen[slot]!;
    if (ft.familyOf(slot) !== AF_INET || hn >= HIST_BYTES) {
      this.write(this.line(slotCells(ft, slot)));
      return;
    }
    rb.room(256);
    const ss = ft.startSec[slot]!;
    const sn = ft.startNsec[slot]!;
    rb.ipv4(ft.originGuessed(slot) ? '~' : '', ft.h8, ft.addrOff(slot, 0), ft.portOf(slot, 0), w[0]!);
    rb.byte(32);
    rb.ipv4('', ft.h8, ft.addrOff(slot, 1), ft.portOf(slot, 1), w[1]!);
    rb.byte(32);
    rb.seconds(ss - ft.firstSec + (sn - ft.firstNsec) / 1e9, w[2]!);
    rb.byte(32);
    rb.seconds(ft.lastSecOf(slot) - ss + (ft.lastNsecOf(slot) - sn) / 1e9, w[3]!);
    rb.byte(32);
    rb.uint(ft.packetsOf(slot, 0), w[4]!);
    rb.byte(32);
    rb.uint(ft.bytesOf(slot, 0), w[5]!);
    rb.byte(32);
    rb.uint(ft.packetsOf(slot, 1), w[6]!);
    rb.byte(32);
    rb.uint(ft.bytesOf(slot, 1), w[7]!);
    rb.byte(32);
    rb.str(stateName(ft.state(slot, 0)), w[8]!);
    rb.byte(32);
    rb.str(stateName(ft.state(slot, 1)), w[9]!);
    rb.byte(32);
    rb.str(ft.zeek.connState(slot), w[10]!);
    rb.byte(32);
    if (hn === 0) rb.byte(0x2d);
    else rb.bytes(ft.zeek.hist, slot * HIST_BYTES, hn);
    rb.newline();
  }

  private addCells(cells: string[]): void {
    if (!this.widths) {
      this.pending.push(cells);
      if (this.pending.length >= (this.opts.sizingRows ?? SIZING_ROWS)) this.fix();
      return;
    }
    this.write(this.line(cells));
  }

  private fix(): void {
    // -H leaves the header line out, not its widths.
    const w = this.m.columns.map((h) => displayWidth(h));
    for (const r of this.pending) for (let j = 0; j < w.length; j++) w[j] = Math.max(w[j]!, r[j]!.length);
    this.widths = w;
    if (this.opts.header !== false) this.write(this.line(this.m.columns, true));
    for (const r of this.pending) this.write(this.line(r));
    this.pending = [];
  }

  /** Cells padded to the widths: by length (rows are ASCII), or by display width (`heading`). */
  private line(cells: readonly string[], heading = false): string {
    const w = this.widths!;
    let s = '';
    for (let j = 0; j < cells.length; j++) {
      const c = cells[j]!;
      if (j > 0) s += ' ';
      if (j === cells.length - 1) s += c;
      else {
        const pad = Math.max(0, w[j]! - (heading ? displayWidth(c) : c.length));
        s += RIGHT[j] ? ' '.repeat(pad) + c : c + ' '.repeat(pad);
      }
    }
    return s + '\n';
  }

  end(states: StateCounts, meta: PcapMeta): void {
    if (!this.opts.timeline && this.opts.rows !== false) {
      if (!this.widths && this.pending.length) this.fix();
      if (this.shown > 0) this.write('\n');
    }
    this.write(`${this.m.finalStates(total(states), this.shown)}\n`);
    this.write(renderCounts(states, this.opts.lang ?? 'en'));
    const an = Object.entries(meta.anomalies);
    if (an.length) this.write(`\n${this.m.anomalies(an.map(([k, v]) => `${k} ${v}`).join(', '))}\n`);
    this.flush();
  }
}

/** One JSON document (schema `tcpstate.pcap/1`), connections streamed. */
export class PcapJsonWriter implements PcapWriter {
  private first = true;
  private connections = 0;
  private buf: string[] = [];
  private size = 0;

  constructor(
    private readonly out: (s: string) => void,
    file: string,
  ) {
    this.write(`{\n  "schema": ${JSON.stringify(SCHEMAS.pcap)},\n  "file": ${JSON.stringify(file)},\n  "connections": [`);
  }

  private write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) {
      this.out(this.buf.join(''));
      this.buf = [];
      this.size = 0;
    }
  }

  add(r: ConnectionRecord | null): void {
    this.connections++;
    if (r === null) return;
    let view: PcapConnectionDoc | ConnectionRecord = r;
    if (r.timeline) {
      const [ss, sn] = parseIso(r.start);
      view = { ...r, timeline: r.timeline.map((s) => stepJson(s, r, ss, sn)) };
    }
    this.write((this.first ? '\n    ' : ',\n    ') + JSON.stringify(view));
    this.first = false;
  }

  end(states: StateCounts, meta: PcapMeta): void {
    this.write(`${this.first ? '' : '\n  '}],\n`);
    const tail: Omit<PcapDocument, 'schema' | 'file' | 'connections'> = {
      format: meta.format,
      connectionCount: this.connections,
      states: countsObject(states),
      total: total(states),
      anomalies: meta.anomalies,
      frames: meta.counts,
      warnings: meta.warnings,
    };
    const body = JSON.stringify(tail, null, 2);
    this.write(body.slice(2));
    this.write('\n');
    this.out(this.buf.join(''));
    this.buf = [];
  }
}
