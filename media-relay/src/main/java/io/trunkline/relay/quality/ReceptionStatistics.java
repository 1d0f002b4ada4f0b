package io.trunkline.relay.quality;

/**
 * What one leg received from one source, kept the way RFC 3550 Appendix A.1 and A.8 prescribe:
 * extended sequence numbers through wrap-around, a source validated over two sequential packets,
 * reordering and duplicates that do not count as loss, a jump past the dropout limit taken as a
 * restarted source, and interarrival jitter in RTP timestamp units.
 */
public final class ReceptionStatistics {

  private static final int RTP_SEQ_MOD = 1 << 16;

  /** A.1: a jump forward beyond this is not a gap but a new sequence. */
  private static final int MAX_DROPOUT = 3000;

  /** A.1: a step back within this is a late or duplicate packet. */
  private static final int MAX_MISORDER = 100;

  /** A.1: sequential packets needed before a source counts. */
  private static final int MIN_SEQUENTIAL = 2;

  private final int clockRate;

  private int maxSeq;
  private long cycles;
  private long baseSeq;
  private long badSeq = RTP_SEQ_MOD + 1;
  private int probation = MIN_SEQUENTIAL;
  private long received;
  private long bytes;
  private boolean started;
  private double jitter;
  private double lastTransit;
  private boolean haveTransit;

  /**
   * @param clockRate RTP timestamp units per second of the stream's codec (8000 for G.711)
   */
  public ReceptionStatistics(int clockRate) {
    this.clockRate = clockRate;
  }

  /**
   * Records one packet.
   *
   * @param arrivalNanos arrival time on any monotonic clock, in nanoseconds
   */
  public void received(RtpHeader header, int length, long arrivalNanos) {
    if (!updateSequence(header.sequence())) {
      return;
    }
    received++;
    bytes += length;
    // A.8: transit time in timestamp units; its changes are the jitter's raw material.
    double arrival = arrivalNanos * (clockRate / 1e9);
    double transit = arrival - header.timestamp();
    if (haveTransit) {
      double d = Math.abs(transit - lastTransit);
      jitter += (d - jitter) / 16.0;
    }
    lastTransit = transit;
    haveTransit = true;
  }

  /** Packets counted (validated, including late ones). */
  public long packets() {
    return received;
  }

  public long bytes() {
    return bytes;
  }

  /** A.3: expected minus received since the start; negative with duplicates, so floored at 0. */
  public long lost() {
    if (!started) {
      return 0;
    }
    long expected = extendedMaxSequence() - baseSeq + 1;
    return Math.max(0, expected - received);
  }

  /** Interarrival jitter in seconds (RFC 3550 §6.4.1). */
  public double jitterSeconds() {
    return jitter / clockRate;
  }

  long extendedMaxSequence() {
    return cycles + maxSeq;
  }

  /** A.1 update_seq: false when the packet does not count (source in probation, bad jump). */
  private boolean updateSequence(int seq) {
    if (!started) {
      initSequence(seq);
      maxSeq = seq - 1;
      started = true;
    }
    int delta = (seq - maxSeq) & 0xffff;
    if (probation > 0) {
      if (seq == ((maxSeq + 1) & 0xffff)) {
        probation--;
        maxSeq = seq;
        if (probation == 0) {
          // Counting starts at the packet that ends probation, as in A.1.
          initSequence(seq);
          return true;
        }
      } else {
        probation = MIN_SEQUENTIAL - 1;
        maxSeq = seq;
      }
      return false;
    }
    if (delta < MAX_DROPOUT) {
      if (seq < maxSeq) {
        cycles += RTP_SEQ_MOD;
      }
      maxSeq = seq;
    } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq == badSeq) {
        // Two sequential packets after a big jump: the source restarted (A.1).
        initSequence(seq);
      } else {
        badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // Otherwise a duplicate or a late packet: counted as received, not as a new maximum.
    return true;
  }

  private void initSequence(int seq) {
    baseSeq = seq;
    maxSeq = seq;
    badSeq = RTP_SEQ_MOD + 1;
    cycles = 0;
    received = 0;
    bytes = 0;
  }
}
