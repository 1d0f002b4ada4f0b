package io.trunkline.bench.media;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A step passes with fewer than 1 in 1,000 measured packets lost ... */
  private static final int PASS_PER_MILLE = 1;

  /** ... and the packets sent at 95% or more of the asked rate (the generator kept pace). */
  private static final int MIN_ACHIEVED_PERCENT = 95;

  /**
   * A step where the generator fell behind (the shared machine was busy) is run again this many
   * times before it counts as failed.
   */
  private static final int GENERATOR_RETRIES = 2;

  /** Control requests in flight at once while calls are set up and torn down. */
  private static final int CONTROL_WINDOW = 32;

  private static final long CONTROL_TIMEOUT_SECONDS = 60;
  private static final long DRAIN_MILLIS = 1000;
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** Settings, from {@code --name value} options. */
  record Settings(
      List<String> targets,
      InetSocketAddress relayControl,
      long relayPid,
      InetSocketAddress rtpengineControl,
      long rtpenginePid,
      InetAddress callerHost,
      InetAddress calleeHost,
      int threads,
      int phonesPerSocket,
      int stepSeconds,
      int warmupSeconds,
      int settleSeconds,
      int startCalls,
      int maxCalls,
      int baselineMaxCalls,
      int refine) {}

  /** The ramp of one target. */
  private static final class Ramp {
    final String target;
    final MediaPath path;
    final long pid;
    final int maxCalls;
    final int refine;
    int calls;
    int best;
    int failedAt;
    int refined;
    int retries;
    boolean done;
    String note = "";
    StepResult bestStep;

    Ramp(String target, MediaPath path, long pid, int startCalls, int maxCalls, int refine) {
      this.target = target;
      this.path = path;
      this.pid = pid;
      this.calls = startCalls;
      this.maxCalls = maxCalls;
      this.refine = refine;
    }

    void record(StepResult step) {
      if (step.generatorBehind() && retries < GENERATOR_RETRIES) {
        // The step measured the machine's other load, not the relay: the same step again.
        retries++;
        return;
      }
      retries = 0;
      if (step.pass()) {
        best = step.calls;
        bestStep = step;
      } else {
        failedAt = step.calls;
        note = "fails at " + step.calls + " calls: " + step.why();
      }
      if (failedAt == 0) {
        calls *= 2;
        if (calls > maxCalls) {
          done = true;
          note = "no failure up to " + best + " calls (the largest step asked)";
        }
        return;
      }
      if (best == 0) {
        done = true;
        note = "every step failed; " + note;
        return;
      }
      int mid = (best + failedAt) / 2 / 10 * 10;
      if (refined >= refine || mid <= best || mid >= failedAt) {
        done = true;
        return;
      }
      refined++;
      calls = mid;
    }
  }

  /** One step's figures. */
  record StepResult(
      int calls,
      LoadGenerator.Outcome outcome,
      double generatorCores,
      double relayCores,
      String failure) {

    long askedPerSecond() {
      return (long) calls * 2 * LoadGenerator.PACKETS_PER_SECOND;
    }

    /**
     * Whether the generator failed to send at the asked rate: the step says nothing of the relay.
     */
    boolean generatorBehind() {
      return failure == null
          && outcome.achievedPerSecond() * 100 < askedPerSecond() * MIN_ACHIEVED_PERCENT;
    }

    boolean pass() {
      return failure == null
          && outcome.lost() * 1000 < outcome.sent() * PASS_PER_MILLE
          && outcome.achievedPerSecond() * 100 >= askedPerSecond() * MIN_ACHIEVED_PERCENT;
    }

    String why() {
      if (failure != null) {
        return failure;
      }
      if (generatorBehind()) {
        return String.format("generator sent only %.0f/s", outcome.achievedPerSecond());
      }
      return String.format("%.3f%% lost", 100.0 * outcome.lost() / outcome.sent());
    }
  }

  private MediaPpsBench() {}

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
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
          MIN_ACHIEVED_PERCENT);
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
                    rootMessage(e));
          }
          print(ramp.target, step);
          ramp.record(step);
          if (ramp.retries > 0) {
            System.out.printf(
                "  %-10s (the generator fell behind: the machine is busy; again, %d of %d)%n",
                ramp.target, ramp.retries, GENERATOR_RETRIES);
          }
          Thread.sleep(TimeUnit.SECONDS.toMillis(settings.settleSeconds()));
        }
      }
      summary(ramps);
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
              settings.refine());
      case "trunkline" ->
          new Ramp(
              target,
              new TrunklineRelayPath(settings.relayControl()),
              settings.relayPid(),
              settings.startCalls(),
              settings.maxCalls(),
              settings.refine());
      case "rtpengine" ->
          new Ramp(
              target,
              new RtpenginePath(settings.rtpengineControl()),
              settings.rtpenginePid(),
              settings.startCalls(),
              settings.maxCalls(),
              settings.refine());
      default -> throw new IllegalArgumentException("unknown target " + target);
    };
  }

  private static StepResult step(
      LoadGenerator generator, Ramp ramp, Settings settings, String callIdPrefix) throws Exception {
    int warmup = settings.warmupSeconds() * LoadGenerator.PACKETS_PER_SECOND;
    int window = settings.stepSeconds() * LoadGenerator.PACKETS_PER_SECOND;
    List<LoadGenerator.Call> calls =
        generator.bind(
            ramp.target + "-" + callIdPrefix,
            ramp.calls,
            warmup + window,
            settings.callerHost(),
            settings.calleeHost());
    List<LoadGenerator.Call> opened = new ArrayList<>();
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
            ramp.calls, new LoadGenerator.Outcome(0, 0, 0, 0, 0, 0, 0), 0, 0, failure);
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
      double relayCores =
          ramp.pid > 0
              ? (ticks(ramp.pid) - relayBefore) / (double) CLOCK_TICKS_PER_SECOND / seconds
              : 0;
      return new StepResult(ramp.calls, outcome, generatorCores, relayCores, null);
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
      List<LoadGenerator.Call> calls, Function<LoadGenerator.Call, CompletableFuture<T>> request)
      throws InterruptedException {
    Semaphore window = new Semaphore(CONTROL_WINDOW);
    List<CompletableFuture<T>> futures = new ArrayList<>(calls.size());
    for (LoadGenerator.Call call : calls) {
      if (!window.tryAcquire(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("control requests stopped completing");
      }
      CompletableFuture<T> future = request.apply(call);
      future.whenComplete((result, failure) -> window.release());
      futures.add(future);
    }
    return futures;
  }

  private static void print(String target, StepResult step) {
    LoadGenerator.Outcome outcome = step.outcome();
    if (step.failure() != null) {
      System.out.printf("  %-10s %5d calls  FAIL (%s)%n", target, step.calls(), step.failure());
      return;
    }
    System.out.printf(
        "  %-10s %5d calls %7d pkt/s  sent %8d  lost %7d (%7.3f%%)  dup %d  foreign %d  silent"
            + " streams %d  achieved %8.0f/s  lag max %5.1f ms  cpu gen %.2f relay %s  %s%n",
        target,
        step.calls(),
        step.askedPerSecond(),
        outcome.sent(),
        outcome.lost(),
        100.0 * outcome.lost() / Math.max(1, outcome.sent()),
        outcome.duplicates(),
        outcome.foreign(),
        outcome.silentStreams(),
        outcome.achievedPerSecond(),
        outcome.maxLagMillis(),
        step.generatorCores(),
        target.equals("baseline") ? "-" : String.format("%.2f", step.relayCores()),
        step.pass() ? "pass" : "FAIL (" + step.why() + ")");
  }

  private static void summary(List<Ramp> ramps) {
    Map<String, Ramp> byTarget = new LinkedHashMap<>();
    ramps.forEach(ramp -> byTarget.put(ramp.target, ramp));
    Ramp relay = byTarget.get("trunkline");
    Ramp rtpengine = byTarget.get("rtpengine");
    Ramp baseline = byTarget.get("baseline");
    String ratio =
        relay != null && rtpengine != null && rtpengine.best > 0
            ? String.format("%.2f", relay.best / (double) rtpengine.best)
            : "n/a";
    String ceiling =
        baseline == null
            ? "not measured"
            : String.format(
                "%d pkt/s (%d calls)%s",
                perSecond(baseline.best),
                baseline.best,
                baseline.note.startsWith("no failure") ? " or more" : "");
    System.out.println();
    System.out.println(
        "Highest step with under 0.1% of RTP packets lost (each call: 2 G.711 streams of 50 pkt/s).");
    System.out.printf(
        "%-12s %14s %9s %14s %26s  %s%n",
        "relay", "max pkt/s", "calls", "G.711 streams", "generator ceiling", "note");
    for (Ramp ramp : ramps) {
      String name = ramp == baseline ? "(no relay)" : ramp.path.name();
      System.out.printf(
          "%-12s %14d %9d %14d %26s  %s%n",
          name, perSecond(ramp.best), ramp.best, 2 * ramp.best, ceiling, ramp.note);
    }
    System.out.println("ratio media-relay/rtpengine: " + ratio);
    if (baseline != null && !baseline.note.startsWith("no failure")) {
      for (Ramp ramp : ramps) {
        if (ramp != baseline && ramp.best * 10 > baseline.best * 8) {
          System.out.printf(
              "Note: %s came within 80%% of the generator's own ceiling; the generator may be what"
                  + " limits it.%n",
              ramp.path.name());
        }
      }
    }
  }

  private static long perSecond(int calls) {
    return (long) calls * 2 * LoadGenerator.PACKETS_PER_SECOND;
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

  static Settings parse(String[] args) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("--targets", "baseline,rtpengine,trunkline");
    values.put("--relay-control", "127.0.0.1:22220");
    values.put("--relay-pid", "0");
    values.put("--rtpengine-control", "127.0.0.1:22230");
    values.put("--rtpengine-pid", "0");
    values.put("--caller-host", "127.0.0.2");
    values.put("--callee-host", "127.0.0.3");
    values.put("--threads", "2");
    values.put("--phones-per-socket", "50");
    values.put("--step-seconds", "10");
    values.put("--warmup-seconds", "2");
    values.put("--settle-seconds", "2");
    values.put("--start-calls", "50");
    values.put("--max-calls", "3200");
    values.put("--baseline-max-calls", "6400");
    values.put("--refine", "2");
    for (int i = 0; i < args.length; i += 2) {
      if (!values.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
      }
      values.put(args[i], args[i + 1]);
    }
    return new Settings(
        List.of(values.get("--targets").split(",")),
        address(values.get("--relay-control")),
        Long.parseLong(values.get("--relay-pid")),
        address(values.get("--rtpengine-control")),
        Long.parseLong(values.get("--rtpengine-pid")),
        InetAddress.getByName(values.get("--caller-host")),
        InetAddress.getByName(values.get("--callee-host")),
        Integer.parseInt(values.get("--threads")),
        Integer.parseInt(values.get("--phones-per-socket")),
        Integer.parseInt(values.get("--step-seconds")),
        Integer.parseInt(values.get("--warmup-seconds")),
        Integer.parseInt(values.get("--settle-seconds")),
        Integer.parseInt(values.get("--start-calls")),
        Integer.parseInt(values.get("--max-calls")),
        Integer.parseInt(values.get("--baseline-max-calls")),
        Integer.parseInt(values.get("--refine")));
  }

  private static InetSocketAddress address(String value) throws IOException {
    int colon = value.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.getByName(value.substring(0, colon)),
        Integer.parseInt(value.substring(colon + 1)));
  }
}
