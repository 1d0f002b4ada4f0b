package io.trunkline.relay.control;

import java.util.Optional;

/** The operations of the relay control protocol (docs/decisions/0009-relay-control-protocol.md). */
public enum ControlOp {
  /** Allocates a session for an offer's media; repeated, it returns the same ports. */
  OFFER("offer"),
  /** Completes a session with the answer's media. */
  ANSWER("answer"),
  /** Ends a session and returns its statistics. */
  DELETE("delete"),
  /** Health and capacity, for the proxy's choice of relay. */
  PING("ping"),
  /** The sessions without a packet either way for a while: calls whose parties vanished. */
  SILENT("silent");

  private final String wireName;

  ControlOp(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /**
   * Whether the operation only reads: its reply is not kept for retransmissions, since asking again
   * changes nothing and a fresh answer is as good.
   */
  public boolean readOnly() {
    return this == PING || this == SILENT;
  }

  /** The operation named {@code wireName} on the wire, if any. */
  public static Optional<ControlOp> ofWireName(String wireName) {
    for (ControlOp op : values()) {
      if (op.wireName.equals(wireName)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
