package io.trunkline.sip.transaction;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the transaction timers of RFC 3261 §17. An interface so that tests drive the state machines
 * with a clock of their own, without sockets or sleeping.
 */
public interface Scheduler extends AutoCloseable {

  /** A scheduled task, which may be cancelled until it has run. */
  interface Timer {
    void cancel();
  }

  /** Runs {@code task} once {@code delayMillis} have passed, on the worker of {@code callId}. */
  Timer after(String callId, long delayMillis, Runnable task);

  /** The clock the timers run by, in milliseconds from an arbitrary origin. */
  long millis();

  @Override
  void close();

  /**
   * One timer wheel thread for every timer of every transaction, with 10 ms ticks (far finer than
   * T1); what it fires runs on the Call-ID's worker, like the call's messages.
   */
  static Scheduler wheel(Function<String, Executor> workerOf) {
    HashedWheelTimer wheel =
        new HashedWheelTimer(
            r -> {
              Thread thread = new Thread(r, "sip-transaction-timers");
              thread.setDaemon(true);
              return thread;
            },
            10,
            TimeUnit.MILLISECONDS,
            1024);
    return new Scheduler() {
      @Override
      public Timer after(String callId, long delayMillis, Runnable task) {
        Timeout timeout =
            wheel.newTimeout(
                t -> workerOf.apply(callId).execute(task), delayMillis, TimeUnit.MILLISECONDS);
        return timeout::cancel;
      }

      @Override
      public long millis() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void close() {
        wheel.stop();
      }
    };
  }
}
