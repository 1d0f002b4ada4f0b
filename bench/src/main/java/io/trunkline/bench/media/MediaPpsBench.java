package io.trunkline.bench.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * RTP packets per second relayed with under 0.1% loss, through Trunkline's media-relay and through
 * rtpengine, with the same G.711 calls from the same generator; and the generator's own ceiling,
 * phone to phone with no relay. The relays run as their own processes, started by {@code
 * bench/media-pps.sh}, which passes their control addresses and process ids.
 *
 * <p>Each target gets a ramp of concurrent calls: doubled while steps pass, then bisected between
 * the last pass and the first failure. The targets take turns step by step, so that a change in the
 * machine's other load falls on all of them alike. Every step sets up fresh calls through the
 * relay's control protocol, sends a warm-up, then the measured window, and deletes the calls.
 */
public final class MediaPpsBench {

  /** Control requests in flight at once while calls are set up and torn down. */
  private static final int CONTROL_WINDOW = 32;

  private static final long CONTROL_TIMEOUT_SECONDS = 60;
  private static final long DRAIN_MILLIS = 1000;
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private MediaPpsBench() {}

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    List<Ramp> ramps = new ArrayList<>();
    try (LoadGenerator generator =
        new LoadGenerator(settings.threads(), settings.phonesPerSocket())) {
      for (String target : settings.targets()) {
        ramps.add(ramp(target, settings));
      }
      System.out.printf(
          "media-pps: generator on %d %s thread(s), %d phones per socket; calls of 2 x 50 packets/s of %d bytes;"
              + " %d s warm-up + %d s measured per step; a step passes with under 0.1%% lost"
              + " and %d%% of the rate sent%n",
          settings.threads(),
          generator.transport(),
          settings.phonesPerSocket(),
          RtpStream.PACKET_BYTES,
          settings.warmupSeconds(),
          settings.stepSeconds(),
          StepResult.MIN_ACHIEVED_PERCENT);
      int round = 0;
      while (ramps.stream().anyMatch(ramp -> !ramp.done)) {
        round++;
        for (Ramp ramp : ramps) {
          if (ramp.done) {
            continue;
          }
          if (ramp.pid > 0
              && !ProcessHandle.of(ramp.pid).map(ProcessHandle::isAlive).orElse(false)) {
            ramp.done = true;
            ramp.note = "the relay process exited during the ramp";
            continue;
          }
          StepResult step;
          try {
            step = step(generator, ramp, settings, "r" + round + "-");
          } catch (RuntimeException | ExecutionException e) {
            step =
                new StepResult(
                    ramp.calls,
                    new LoadGenerator.Outcome(0, 0, 0, 0, 0, 0, 0),
                    0,
                    0,
                    0,
                    rootMessage(e));
          }
          RampReport.print(ramp.target, step);
          ramp.record(step);
          if (ramp.retries > 0) {
            System.out.printf(
                "  %-10s (the generator fell behind: the machine is busy; again, %d of %d)%n",
                ramp.target, ramp.retries, Ramp.GENERATOR_RETRIES);
          }
          Thread.sleep(TimeUnit.SECONDS.toMillis(settings.settleSeconds()));
        }
      }
      RampReport.summary(ramps);
    } finally {
      for (Ramp ramp : ramps) {
        ramp.path.close();
      }
    }
  }

  private static Ramp ramp(String target, Settings settings) throws Exception {
    return switch (target) {
      case "baseline" ->
          new Ramp(
              target,
              new MediaPath.Direct(),
              0,
              settings.startCalls(),
              settings.baselineMaxCalls(),
              settings.refine(),
              settings.fixedCalls());
      case "trunkline" ->
          new Ramp(
              target,
              new TrunklineRelayPath(settings.relayControl(), settings.relayControlKey()),
              settings.relayPid(),
              settings.startCalls(),
              settings.maxCalls(),
              settings.refine(),
              settings.fixedCalls());
      case "rtpengine" ->
          new Ramp(
              target,
              new RtpenginePath(settings.rtpengineControl()),
              settings.rtpenginePid(),
              settings.startCalls(),
              settings.maxCalls(),
              settings.refine(),
              settings.fixedCalls());
      default -> throw new IllegalArgumentException("unknown target " + target);
    };
  }

  private static StepResult step(
      LoadGenerator generator, Ramp ramp, Settings settings, String callIdPrefix) throws Exception {
    int warmup = settings.warmupSeconds() * LoadGenerator.PACKETS_PER_SECOND;
    int window = settings.stepSeconds() * LoadGenerator.PACKETS_PER_SECOND;
    List<Call> calls =
        generator.bind(
            ramp.target + "-" + callIdPrefix,
            ramp.calls,
            warmup + window,
            settings.callerHost(),
            settings.calleeHost());
    List<Call> opened = new ArrayList<>();
    try {
      List<MediaPath.Route> routes = new ArrayList<>();
      String failure = null;
      List<CompletableFuture<MediaPath.Route>> setups =
          throttled(
              calls,
              call -> ramp.path.open(call.callId, call.callerAddress(), call.calleeAddress()));
      for (int i = 0; i < calls.size(); i++) {
        try {
          routes.add(setups.get(i).get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
          opened.add(calls.get(i));
        } catch (Exception e) {
          if (failure == null) {
            failure = "call setup failed: " + rootMessage(e);
          }
        }
      }
      if (failure != null) {
        return new StepResult(
            ramp.calls, new LoadGenerator.Outcome(0, 0, 0, 0, 0, 0, 0), 0, 0, 0, failure);
      }
      generator.route(calls, routes);
      long generatorBefore = ticks(ProcessHandle.current().pid());
      long relayBefore = ramp.pid > 0 ? ticks(ramp.pid) : 0;
      long started = System.nanoTime();
      LoadGenerator.Outcome outcome = generator.run(calls, warmup, window, DRAIN_MILLIS);
      double seconds = (System.nanoTime() - started) / 1e9;
      double generatorCores =
          (ticks(ProcessHandle.current().pid()) - generatorBefore)
              / (double) CLOCK_TICKS_PER_SECOND
              / seconds;
      double relaySeconds =
          ramp.pid > 0 ? (ticks(ramp.pid) - relayBefore) / (double) CLOCK_TICKS_PER_SECOND : 0;
      // The warm-up is sent at the window's rate; the drain sends nothing.
      double packets =
          outcome.achievedPerSecond() * (settings.warmupSeconds() + settings.stepSeconds());
      return new StepResult(
          ramp.calls,
          outcome,
          generatorCores,
          relaySeconds / seconds,
          packets > 0 ? relaySeconds * 1e6 / packets : 0,
          null);
    } finally {
      for (CompletableFuture<?> deleted : throttled(opened, call -> ramp.path.close(call.callId))) {
        try {
          deleted.get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
          // A delete that fails leaves ports to the relay's idle timeout; the next step uses
          // others.
        }
      }
      generator.close(calls);
    }
  }

  /** Starts {@code request} for every call with at most {@link #CONTROL_WINDOW} outstanding. */
  private static <T> List<CompletableFuture<T>> throttled(
      List<Call> calls, Function<Call, CompletableFuture<T>> request) throws InterruptedException {
    Semaphore window = new Semaphore(CONTROL_WINDOW);
    List<CompletableFuture<T>> futures = new ArrayList<>(calls.size());
    for (Call call : calls) {
      if (!window.tryAcquire(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("control requests stopped completing");
      }
      CompletableFuture<T> future = request.apply(call);
      future.whenComplete((result, failure) -> window.release());
      futures.add(future);
    }
    return futures;
  }

  /** User plus system CPU time of a process, all threads, in clock ticks (proc(5)). */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
