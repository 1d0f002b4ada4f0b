package io.trunkline.sip.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Transaction timers on a clock the test moves: no threads, no sleeping. */
public final class ManualScheduler implements Scheduler {

  private static final class Task implements Timer {
    final long due;
    final long order;
    final Runnable work;
    boolean cancelled;

    Task(long due, long order, Runnable work) {
      this.due = due;
      this.order = order;
      this.work = work;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private long now;
  private long scheduled;

  /** The Call-ID each timer was scheduled for (its worker), in order. */
  final List<String> callIds = new ArrayList<>();

  @Override
  public Timer after(String callId, long delayMillis, Runnable task) {
    callIds.add(callId);
    Task scheduledTask = new Task(now + delayMillis, scheduled++, task);
    tasks.add(scheduledTask);
    return scheduledTask;
  }

  /** Moves the clock on by {@code millis}, running every timer that falls due, in order. */
  void advance(long millis) {
    long until = now + millis;
    while (!tasks.isEmpty() && tasks.peek().due <= until) {
      Task next = tasks.poll();
      now = next.due;
      if (!next.cancelled) {
        next.work.run();
      }
    }
    now = until;
  }

  @Override
  public long millis() {
    return now;
  }

  @Override
  public void close() {
    tasks.clear();
  }
}
