/**
 * Anomalies seen while replaying a capture: counted by stable name, per connection (a bit
 * mask) and overall, never thrown. Names follow Zeek's weird.log spelling where Zeek has one.
 * Add, never rename: scripts match on them.
 * @module
 */

export interface AnomalyInfo {
  readonly name: string;
  readonly means: string;
}

/** Index in this list = bit number in a connection's mask. */
export const ANOMALIES: readonly AnomalyInfo[] = [
  { name: 'SYN_after_close', means: 'a SYN with the same sequence number after the connection closed' },
  { name: 'RST_with_data', means: 'a RST segment carrying payload' },
  { name: 'data_after_FIN', means: "new data sent after the sender's own FIN" },
  { name: 'FIN_retransmitted', means: 'the same FIN sent again (its ACK was lost or late)' },
  { name: 'ACK_of_unseen_data', means: 'an ACK for sequence space the capture never showed (capture loss, or the capture started late)' },
  { name: 'fragment', means: 'an IP fragment of a TCP segment (not reassembled)' },
  { name: 'RST_in_window', means: 'a RST inside the window but not at the expected sequence number (RFC 5961: answered by a challenge ACK, no state change)' },
  { name: 'RST_out_of_window', means: 'a RST outside the receive window (ignored by the receiver)' },
  { name: 'data_before_established', means: 'data from an endpoint before its handshake completed (outside TCP Fast Open)' },
  { name: 'SYN_inside_connection', means: 'a SYN on a synchronized connection with the sequence number it started with' },
  { name: 'FIN_and_RST', means: 'FIN and RST in the same segment' },
  { name: 'SYN_with_FIN_or_RST', means: 'SYN together with FIN or RST' },
  { name: 'FIN_before_established', means: 'a FIN from an endpoint whose handshake was not seen to complete' },
  { name: 'SYN_retransmitted', means: 'the same SYN or SYN-ACK sent again' },
  { name: 'unexpected_transition', means: "a segment the state machine has no row for in the endpoint's state" },
  { name: 'zero_window', means: 'a zero receive window advertised' },
  { name: 'truncated_header', means: 'a packet whose IP or TCP header was cut by the snap length' },
  { name: 'malformed', means: 'IP or TCP header fields that contradict each other' },
  { name: 'orientation_guessed', means: 'no SYN seen: which side opened the connection is a guess (ports)' },
];

export const A_SYN_AFTER_CLOSE = 0;
export const A_RST_WITH_DATA = 1;
export const A_DATA_AFTER_FIN = 2;
export const A_FIN_RETRANSMITTED = 3;
export const A_ACK_UNSEEN = 4;
export const A_FRAGMENT = 5;
export const A_RST_IN_WINDOW = 6;
export const A_RST_OUT_OF_WINDOW = 7;
export const A_DATA_BEFORE_EST = 8;
export const A_SYN_INSIDE = 9;
export const A_FIN_RST = 10;
export const A_SYN_MULTI = 11;
export const A_FIN_BEFORE_EST = 12;
export const A_SYN_RETRANSMITTED = 13;
export const A_UNEXPECTED = 14;
export const A_ZERO_WINDOW = 15;
export const A_TRUNCATED = 16;
export const A_MALFORMED = 17;
export const A_GUESSED = 18;

/** Overall counts by anomaly index. */
export class AnomalyCounts {
  readonly counts = new Float64Array(ANOMALIES.length);

  add(a: number): void {
    this.counts[a]!++;
  }

  /** `{name: count}` of the non-zero ones, in list order. */
  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    ANOMALIES.forEach((x, i) => {
      if (this.counts[i]! > 0) out[x.name] = this.counts[i]!;
    });
    return out;
  }
}

/** Names of the bits set in a connection's mask. */
export function anomalyNames(mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < ANOMALIES.length; i++) if (mask & (1 << i)) out.push(ANOMALIES[i]!.name);
  return out;
}
