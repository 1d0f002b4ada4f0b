package io.trunkline.relay.session;

/**
 * A monotonic clock in nanoseconds: packet arrival times for jitter and the last-media time for
 * idle reaping. Injected so that tests move time instead of sleeping through an idle timeout.
 */
@FunctionalInterface
public interface Ticker {

  long nanos();

  static Ticker system() {
    return System::nanoTime;
  }
}
