package io.trunkline.sip.metrics;

/** Why a call or registration was refused: the {@code reason} label of the reject counter. */
public enum RejectReason {
  /** Trunk channels all in use: 503 with Retry-After. */
  QUOTA("quota"),
  /** Over the trunk's calls per second: 503. */
  CPS("cps"),
  /** Line busy: 486. */
  BUSY("busy"),
  /** Unknown caller or wrong credentials: 403. */
  AUTH("auth"),
  /** A RoutePolicy refuses the destination: its status, usually 403. */
  BLOCKED("blocked"),
  /** No rule and no line for the destination: 404. */
  NO_ROUTE("no-route"),
  /** Every target failed or was down, or the line is not registered: 503 or 480. */
  UNAVAILABLE("unavailable"),
  /** A new call while the proxy runs behind its messages: 503 with Retry-After. */
  OVERLOAD("overload"),
  /** REGISTERs over a source's or the trunk's rate: 503 with Retry-After. */
  REGISTER_RATE("register-rate"),
  /** Malformed SIP: 400 or a drop. */
  PARSE("parse");

  private final String label;

  RejectReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
