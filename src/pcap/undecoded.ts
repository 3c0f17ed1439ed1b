/**
 * Frames a replay could not turn into TCP segments, kept apart from frames that are simply not
 * TCP. ARP, neighbour discovery, UDP and ICMP are counted and the answer is still whole; but a
 * frame of a link type tcpstate does not read, one whose IP or TCP header the snap length cut,
 * one whose header fields contradict each other, or an IP fragment may have carried a segment
 * that moves a state. Each such reason is counted with its first frame (number and byte
 * offset) and reported as a {@link Warning}; when no frame at all was decoded, the capture
 * cannot be answered and that is an `ERR_PCAP` error instead.
 * @module
 */
import { TcpstateError, type Warning } from '../model/errors.js';
import type { RawPacket } from './container.js';
import { FRAGMENT, LINK_TYPES, linkTypeName, MALFORMED, TRUNCATED, UNKNOWN_LINK } from './decode.js';
import type { Said } from '../i18n/catalogue.js';
import { say as c } from '../i18n/captures.js';
import { warning } from '../model/warnings.js';

/** Why frames were left out, in report order. */
const REASONS = [
  { result: UNKNOWN_LINK, code: 'W_PCAP_LINK_TYPE' },
  { result: TRUNCATED, code: 'W_PCAP_HEADER_CUT' },
  { result: MALFORMED, code: 'W_PCAP_MALFORMED' },
  { result: FRAGMENT, code: 'W_PCAP_FRAGMENT' },
] as const;

/** The link types {@link decodeTcp} reads, for messages. */
export function readableLinkTypes(): string {
  return Object.values(LINK_TYPES).join(', ');
}

/** The error for a capture whose only link type is one tcpstate does not read. */
export function unknownLinkError(linkType: number, file: string, offset: number): TcpstateError {
  return new TcpstateError('ERR_PCAP', c('unknownLink', linkTypeName(linkType), readableLinkTypes()), {
    file,
    offset,
  });
}

/** Counts of frames left out, by reason, with the first of each. */
export class Undecoded {
  private readonly count = new Float64Array(REASONS.length);
  private readonly firstFrame = new Float64Array(REASONS.length);
  private readonly firstOffset = new Float64Array(REASONS.length);
  /** Frames per link type not decoded. */
  private readonly linkTypes = new Map<number, number>();

  /** Note a frame {@link decodeTcp} gave `result` for; false if that result is not a failure to decode. */
  add(result: number, pkt: RawPacket): boolean {
    const i = REASONS.findIndex((r) => r.result === result);
    if (i < 0) return false;
    if (this.count[i] === 0) {
      this.firstFrame[i] = pkt.frame;
      this.firstOffset[i] = pkt.fileOffset;
    }
    this.count[i]!++;
    if (result === UNKNOWN_LINK) this.linkTypes.set(pkt.linkType, (this.linkTypes.get(pkt.linkType) ?? 0) + 1);
    return true;
  }

  /** Frames left out, all reasons. */
  get total(): number {
    return this.count.reduce((a, b) => a + b, 0);
  }

  /** What was left out and why, one sentence per reason, without the first-frame part. */
  private what(i: number): Said {
    const n = this.count[i]!;
    switch (REASONS[i]!.result) {
      case UNKNOWN_LINK: {
        const bare = (t: number) => linkTypeName(t).replace(/^link type /, '');
        const types = this.linkTypes.size === 1 ? `link type ${bare([...this.linkTypes.keys()][0]!)}` : `link types ${[...this.linkTypes].map(([t, c]) => `${bare(t)}: ${c}`).join(', ')}`;
        return c('framesLink', n, types, readableLinkTypes());
      }
      case TRUNCATED:
        return c('framesCut', n);
      case MALFORMED:
        return c('framesMalformed', n);
      default:
        return c('framesFragment', n);
    }
  }

  /** One warning per reason seen, located at its first frame. */
  warnings(file: string): Warning[] {
    const out: Warning[] = [];
    REASONS.forEach((r, i) => {
      if (this.count[i] === 0) return;
      out.push(warning(r.code, c('framesLeftOut', this.what(i), this.count[i]!, this.firstFrame[i]!), { file, offset: this.firstOffset[i]! }));
    });
    return out;
  }

  /**
   * The error when frames were left out and none was decoded: the capture holds TCP traffic
   * tcpstate cannot see, or nothing it can tell apart from it.
   * @returns undefined when `tcpFrames` > 0 or nothing was left out.
   */
  noneDecoded(tcpFrames: number, file: string): TcpstateError | undefined {
    if (tcpFrames > 0 || this.total === 0) return undefined;
    const seen = REASONS.map((_, i) => i).filter((i) => this.count[i]! > 0);
    const first = seen.reduce((a, i) => (this.firstFrame[i]! < this.firstFrame[a]! ? i : a), seen[0]!);
    return new TcpstateError(
      'ERR_PCAP',
      c(
        'noneDecoded',
        seen.map((i) => this.what(i)).reduce((a, b) => c('both', a, b)),
        this.firstFrame[first]!,
      ),
      {
        file,
        offset: this.firstOffset[first]!,
      },
    );
  }
}
