package io.trunkline.sip.transaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends transactions once they have lingered: Timers D, H, I, J and K of RFC 3261 §17 and RFC 6026's
 * L and M, which only ever run out. Over UDP a transaction lingers up to 64 x T1 after its final
 * response, so at thousands of calls a second most transactions in the heap are lingering, and what
 * one costs while it waits is what the collector works through: a timer on the wheel took about 100
 * bytes; a queued entry with its own object and a method reference 40; here it takes two array
 * slots, 12 bytes. Lingers of one length end in the order they began, so each length keeps a queue,
 * swept from its head by one timer at a time.
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
   * Terminates {@code transaction} once {@code delayMillis} have passed, at once when that is 0.
   * Ends run on the sweeping worker, not the call's: ending a transaction only takes it out of the
   * layer, under its own lock.
   */
  void end(Transaction transaction, long delayMillis) {
    if (delayMillis <= 0) {
      transaction.terminate();
      return;
    }
    queues.computeIfAbsent(delayMillis, Queue::new).add(transaction);
  }

  /** One length's lingering transactions, oldest first, in a ring of two parallel arrays. */
  private final class Queue {
    private final long delayMillis;
    private long[] dueAt = new long[64];
    private Transaction[] transactions = new Transaction[64];
    private int head;
    private int size;
    private boolean armed;

    Queue(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    void add(Transaction transaction) {
      boolean arm;
      synchronized (this) {
        if (size == transactions.length) {
          grow();
        }
        int tail = (head + size) & (transactions.length - 1);
        dueAt[tail] = scheduler.millis() + delayMillis;
        transactions[tail] = transaction;
        size++;
        arm = !armed;
        armed = true;
      }
      if (arm) {
        scheduler.after(SWEEPER, delayMillis, this::sweep);
      }
    }

    /** Doubles the ring, its oldest entry first again; lengths stay powers of two. */
    private void grow() {
      long[] times = new long[dueAt.length * 2];
      Transaction[] ends = new Transaction[transactions.length * 2];
      int first = transactions.length - head;
      System.arraycopy(dueAt, head, times, 0, first);
      System.arraycopy(dueAt, 0, times, first, head);
      System.arraycopy(transactions, head, ends, 0, first);
      System.arraycopy(transactions, 0, ends, first, head);
      dueAt = times;
      transactions = ends;
      head = 0;
    }

    private void sweep() {
      List<Transaction> ended = new ArrayList<>();
      long next;
      synchronized (this) {
        long now = scheduler.millis();
        while (size > 0 && dueAt[head] <= now) {
          ended.add(transactions[head]);
          transactions[head] = null;
          head = (head + 1) & (transactions.length - 1);
          size--;
        }
        armed = size > 0;
        next = armed ? dueAt[head] - now : 0;
      }
      // Outside this queue's lock: a transaction adds itself here under its own.
      ended.forEach(Transaction::terminate);
      if (next > 0) {
        scheduler.after(SWEEPER, next, this::sweep);
      }
    }
  }
}
