package io.trunkline.sip.transaction;

import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs the transaction timers of RFC 3261 §17. An interface so that tests drive the state machines
 * with a clock of their own, without sockets or sleeping.
 */
public interface Scheduler extends AutoCloseable {

  /** A scheduled task, which may be cancelled until it has run: cancelled, it never runs. */
  interface Timer {
    void cancel();
  }

  /** Runs {@code task} once {@code delayMillis} have passed, on the worker of {@code callId}. */
  Timer after(String callId, long delayMillis, Runnable task);

  /** The clock the timers run by, in milliseconds from an arbitrary origin. */
  long millis();

  @Override
  void close();

  /** The transaction timers the proxy runs: a timer wheel, firing on each call's worker. */
  static Scheduler wheel(Function<String, Executor> workerOf) {
    return new WheelScheduler(workerOf);
  }
}
