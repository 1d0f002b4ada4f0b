package io.trunkline.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's timer wheel, with a worker the test runs by hand. */
class WheelSchedulerTest {

  /** What the wheel handed to the call's worker, not yet run. */
  private final BlockingQueue<Runnable> worker = new LinkedBlockingQueue<>();

  private final Scheduler scheduler = Scheduler.wheel(callId -> worker::add);

  @AfterEach
  void stopTheWheel() {
    scheduler.close();
  }

  @Test
  void aTimerFallsDueOnItsCallsWorker() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    scheduler.after("call-1", 20, ran::incrementAndGet);

    handedToTheWorker().run();

    assertThat(ran).hasValue(1);
  }

  /**
   * A worker behind its queue runs a timer after the transaction cancelled it: an abandoned INVITE,
   * still in Calling, would otherwise retransmit and arm its next retransmission for ever.
   */
  @Test
  void aTimerCancelledOnceDueButBeforeItsWorkerRanItDoesNothing() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Scheduler.Timer timer = scheduler.after("call-1", 0, ran::incrementAndGet);
    Runnable due = handedToTheWorker();

    timer.cancel();
    due.run();

    assertThat(ran).hasValue(0);
  }

  @Test
  void aTimerCancelledBeforeItFallsDueNeverReachesTheWorker() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Scheduler.Timer timer = scheduler.after("call-1", 200, ran::incrementAndGet);
    timer.cancel();
    // A later timer on the same call marks when the first would long have fallen due.
    scheduler.after("call-1", 400, () -> {});

    handedToTheWorker().run();

    assertThat(worker).isEmpty();
    assertThat(ran).hasValue(0);
  }

  /** The next task the wheel handed to the worker, waiting for it a bounded time. */
  private Runnable handedToTheWorker() throws InterruptedException {
    Runnable due = worker.poll(5, TimeUnit.SECONDS);
    assertThat(due).as("handed to the worker").isNotNull();
    return due;
  }
}
