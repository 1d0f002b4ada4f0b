package io.trunkline.sip.transaction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends transactions once they have lingered: Timers D, H, I, J and K of RFC 3261 §17 and RFC 6026's
 * L and M, which only ever run out. Over UDP a transaction lingers up to 64 x T1 after its final
 * response, so at thousands of calls a second most transactions in the heap are lingering, and what
 * one costs while it waits is what the collector works through: a timer on the wheel took about 100
 * bytes; an entry here takes 40. Lingers of one length end in the order they began, so each length
 * keeps a queue, swept from its head by one timer at a time.
 */
final class Lingering {

  /** The sweeps run on one worker. */
  private static final String SWEEPER = "";

  private final Scheduler scheduler;
  private final Map<Long, Queue> queues = new ConcurrentHashMap<>();

  Lingering(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Runs {@code end} once {@code delayMillis} have passed, at once when that is 0. Ends run on the
   * sweeping worker, not the call's: ending a transaction only takes it out of the layer, under its
   * own lock.
   */
  void end(Runnable end, long delayMillis) {
    if (delayMillis <= 0) {
      end.run();
      return;
    }
    queues.computeIfAbsent(delayMillis, Queue::new).add(end);
  }

  private record Due(long atMillis, Runnable end) {}

  private final class Queue {
    private final long delayMillis;
    private final ArrayDeque<Due> due = new ArrayDeque<>();
    private boolean armed;

    Queue(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    void add(Runnable end) {
      boolean arm;
      synchronized (this) {
        due.addLast(new Due(scheduler.millis() + delayMillis, end));
        arm = !armed;
        armed = true;
      }
      if (arm) {
        scheduler.after(SWEEPER, delayMillis, this::sweep);
      }
    }

    private void sweep() {
      List<Runnable> ended = new ArrayList<>();
      long next;
      synchronized (this) {
        long now = scheduler.millis();
        while (!due.isEmpty() && due.peekFirst().atMillis() <= now) {
          ended.add(due.pollFirst().end());
        }
        armed = !due.isEmpty();
        next = armed ? due.peekFirst().atMillis() - now : 0;
      }
      // Outside this queue's lock: a transaction adds itself here under its own.
      ended.forEach(Runnable::run);
      if (next > 0) {
        scheduler.after(SWEEPER, next, this::sweep);
      }
    }
  }
}
