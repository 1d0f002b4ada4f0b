package io.trunkline.relay.media;

/** No port pair could be bound for a new leg. */
public final class MediaUnavailableException extends Exception {

  /** Why no pair was bound. */
  public enum Reason {
    /** Every pair of the configured range is held by a session. */
    PORTS_EXHAUSTED,
    /**
     * Free pairs exist, but the system refused to bind the ones tried (held by another process).
     */
    BIND_FAILED
  }

  private final Reason reason;

  public MediaUnavailableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
