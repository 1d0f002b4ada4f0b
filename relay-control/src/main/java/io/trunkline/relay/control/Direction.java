package io.trunkline.relay.control;

/**
 * The two legs of a relayed call. The caller leg ("A") faces the party that sent the first offer,
 * identified by the From tag; the callee leg ("B") faces the party that answered, identified by the
 * To tag (RFC 3261 §19.3).
 */
public enum Direction {
  CALLER("caller"),
  CALLEE("callee");

  private final String wireName;

  Direction(String wireName) {
    this.wireName = wireName;
  }

  public Direction other() {
    return this == CALLER ? CALLEE : CALLER;
  }

  /** The name used in control replies and logs. */
  public String wireName() {
    return wireName;
  }
}
