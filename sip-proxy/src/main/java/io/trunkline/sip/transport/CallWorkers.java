package io.trunkline.sip.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The proxy's one threading rule: everything for one Call-ID runs on one worker thread, whichever
 * transport the message came by and whatever finished an asynchronous step (a relay's answer, a
 * transaction timer). A call's messages stay in order without locks across stages, and a trunk
 * whose whole load arrives on one UDP 5-tuple still uses every core.
 */
public final class CallWorkers implements AutoCloseable {

  private final List<? extends Executor> workers;

  /** Each executor must run its tasks one at a time, in order. */
  public CallWorkers(List<? extends Executor> workers) {
    this.workers = List.copyOf(workers);
  }

  /** One worker thread per core: the work is CPU-bound parsing and proxying. */
  public static CallWorkers perCore() {
    return new CallWorkers(
        IntStream.range(0, Runtime.getRuntime().availableProcessors())
            .mapToObj(
                i ->
                    new ThreadPoolExecutor(
                        1,
                        1,
                        0,
                        TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> {
                          Thread thread = new Thread(r, "sip-worker-" + i);
                          thread.setDaemon(true);
                          return thread;
                        }))
            .toList());
  }

  /**
   * Tasks (messages, continuations, timers due) waiting on a Call-ID's worker: how far behind the
   * work of a new call with that Call-ID would start. An executor that keeps no queue (a test's
   * direct one) has none waiting.
   */
  public int backlog(String callId) {
    return of(callId) instanceof ThreadPoolExecutor worker ? worker.getQueue().size() : 0;
  }

  /** The worker of a Call-ID, for continuations of a call's asynchronous steps. */
  public Executor of(String callId) {
    return byHash(hash(callId));
  }

  /** The worker of a Call-ID hashed by {@link #hash(byte[], int, int)}, before any parsing. */
  Executor byHash(int hash) {
    return workers.get(Math.floorMod(hash, workers.size()));
  }

  /** The hash of a Call-ID as text, equal to the hash of the same bytes on the wire. */
  public static int hash(String callId) {
    byte[] bytes = String.valueOf(callId).getBytes(StandardCharsets.UTF_8);
    return hash(bytes, 0, bytes.length);
  }

  static int hash(byte[] bytes, int from, int to) {
    int hash = 17;
    for (int i = from; i < to; i++) {
      hash = 31 * hash + bytes[i];
    }
    return hash;
  }

  @Override
  public void close() {
    for (Executor worker : workers) {
      if (worker instanceof ExecutorService service) {
        service.shutdownNow();
      }
    }
  }
}
