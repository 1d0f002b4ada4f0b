package io.trunkline.relay.control;

/**
 * What the relay received on one leg, for the call record: RTP packets and their bytes (UDP
 * payload), packets lost by sequence number (RFC 3550 §6.4.1, A.3) and the interarrival jitter in
 * seconds (RFC 3550 §6.4.1, A.8). RTCP is forwarded but not counted here.
 */
public record LegReport(long packets, long bytes, long lost, double jitterSeconds) {

  public static final LegReport EMPTY = new LegReport(0, 0, 0, 0);
}
