package io.trunkline.relay.control;

import java.util.Optional;

/**
 * Why a control request failed. The first five travel as the {@code reason} of an error reply; the
 * last two are the client's own verdicts when no reply came.
 */
public enum ControlError {
  /**
   * Every port pair of the relay's range is held: the proxy answers the call 503 or tries another
   * relay.
   */
  PORTS_EXHAUSTED("ports exhausted"),
  /** The relay holds its maximum of sessions. */
  MAX_SESSIONS("max sessions"),
  /** No session for that Call-ID and tag: never offered, deleted, or reaped after idling. */
  UNKNOWN_SESSION("unknown session"),
  /** The request could not be read; the detail names the fault. */
  MALFORMED("malformed request"),
  /** Free pairs exist but the system refused to bind them (another process holds them). */
  BIND_FAILED("media bind failed"),
  /** No reply after every retransmission. */
  TIMEOUT("timeout"),
  /** The relay's host refused the datagrams (ICMP port unreachable) or the client was closed. */
  UNREACHABLE("unreachable");

  private final String reason;

  ControlError(String reason) {
    this.reason = reason;
  }

  /** The text of the {@code reason} field. */
  public String reason() {
    return reason;
  }

  public static Optional<ControlError> ofReason(String reason) {
    for (ControlError error : values()) {
      if (error.reason.equals(reason)) {
        return Optional.of(error);
      }
    }
    return Optional.empty();
  }
}
