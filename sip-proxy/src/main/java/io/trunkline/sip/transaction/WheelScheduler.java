package io.trunkline.sip.transaction;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One timer wheel thread for every timer of every transaction, with 10 ms ticks (far finer than
 * T1); what it fires runs on the Call-ID's worker, like the call's messages.
 */
final class WheelScheduler implements Scheduler {

  private final HashedWheelTimer wheel =
      new HashedWheelTimer(
          r -> {
            Thread thread = new Thread(r, "sip-transaction-timers");
            thread.setDaemon(true);
            return thread;
          },
          10,
          TimeUnit.MILLISECONDS,
          1024);
  private final Function<String, Executor> workerOf;

  WheelScheduler(Function<String, Executor> workerOf) {
    this.workerOf = workerOf;
  }

  @Override
  public Timer after(String callId, long delayMillis, Runnable task) {
    WheelTimer timer = new WheelTimer(workerOf.apply(callId), task);
    timer.timeout = wheel.newTimeout(timer, delayMillis, TimeUnit.MILLISECONDS);
    return timer;
  }

  @Override
  public long millis() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public void close() {
    wheel.stop();
  }

  /**
   * A timer the wheel hands to its call's worker when it falls due. Cancelled after that but before
   * the worker ran it, it still does nothing: the worker may be behind, and a transaction that has
   * stopped its timers (an abandoned INVITE still in Calling, say) must not see one fire and arm
   * the next.
   */
  private static final class WheelTimer implements Timer, TimerTask, Runnable {

    private final Executor worker;
    private final Runnable task;
    private volatile Timeout timeout;
    private volatile boolean cancelled;

    WheelTimer(Executor worker, Runnable task) {
      this.worker = worker;
      this.task = task;
    }

    @Override
    public void run(Timeout due) {
      worker.execute(this);
    }

    @Override
    public void run() {
      if (!cancelled) {
        task.run();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      Timeout scheduled = timeout;
      if (scheduled != null) {
        scheduled.cancel();
      }
    }
  }
}
