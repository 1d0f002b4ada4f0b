package io.trunkline.relay.control;

/** Both legs of an ended session: what came from the caller and what came from the callee. */
public record SessionReport(LegReport caller, LegReport callee) {

  public LegReport leg(Direction side) {
    return side == Direction.CALLER ? caller : callee;
  }
}
