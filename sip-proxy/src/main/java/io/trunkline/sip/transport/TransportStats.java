package io.trunkline.sip.transport;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what the transports saw, shared by every channel of a server. */
public final class TransportStats {

  private final LongAdder received = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder badRequestsSent = new LongAdder();
  private final LongAdder keepAlives = new LongAdder();
  private final LongAdder tlsRefused = new LongAdder();
  private final LongAdder certificateReloads = new LongAdder();
  private final LongAdder certificateReloadFailures = new LongAdder();
  private final LongAdder carrierAnchorsReloads = new LongAdder();
  private final LongAdder carrierAnchorsReloadFailures = new LongAdder();

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

  void tlsRefused() {
    tlsRefused.increment();
  }

  void certificateReloaded() {
    certificateReloads.increment();
  }

  void certificateReloadFailed() {
    certificateReloadFailures.increment();
  }

  void carrierAnchorsReloaded() {
    carrierAnchorsReloads.increment();
  }

  void carrierAnchorsReloadFailed() {
    carrierAnchorsReloadFailures.increment();
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

  /**
   * TLS connections the proxy opened whose handshake failed: a certificate that does not name the
   * peer or does not chain to a trust anchor, or a peer that broke off.
   */
  public long tlsRefusedCount() {
    return tlsRefused.sum();
  }

  /** New listener certificates swapped in since the start. */
  public long certificateReloadCount() {
    return certificateReloads.sum();
  }

  /** Changed listener certificate files left unused because they did not load. */
  public long certificateReloadFailureCount() {
    return certificateReloadFailures.sum();
  }

  /** New carrier trust bundles taken since the start. */
  public long carrierAnchorsReloadCount() {
    return carrierAnchorsReloads.sum();
  }

  /** Changed carrier trust bundles left unused because they held no certificate. */
  public long carrierAnchorsReloadFailureCount() {
    return carrierAnchorsReloadFailures.sum();
  }
}
