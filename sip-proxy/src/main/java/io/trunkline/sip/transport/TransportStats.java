package io.trunkline.sip.transport;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what the transports saw, shared by every channel of a server. */
public final class TransportStats {

  private final LongAdder received = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder badRequestsSent = new LongAdder();
  private final LongAdder keepAlives = new LongAdder();

  void received() {
    received.increment();
  }

  void malformed(boolean answered) {
    malformed.increment();
    if (answered) {
      badRequestsSent.increment();
    }
  }

  void keepAlive() {
    keepAlives.increment();
  }

  /** Well-formed messages handed on. */
  public long receivedCount() {
    return received.sum();
  }

  /** Malformed messages, whether answered with 400 or dropped. */
  public long malformedCount() {
    return malformed.sum();
  }

  /** Malformed requests answered with 400 Bad Request. */
  public long badRequestsSentCount() {
    return badRequestsSent.sum();
  }

  /** RFC 5626 keep-alives (CRLF) seen. */
  public long keepAliveCount() {
    return keepAlives.sum();
  }
}
