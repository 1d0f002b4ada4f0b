package io.trunkline.relay.control;

/** A control request that failed: the relay refused it, or no reply came. */
public final class RelayException extends RuntimeException {

  private final ControlError error;

  public RelayException(ControlError error, String detail) {
    super(error.reason() + (detail.isEmpty() ? "" : ": " + detail));
    this.error = error;
  }

  public ControlError error() {
    return error;
  }
}
