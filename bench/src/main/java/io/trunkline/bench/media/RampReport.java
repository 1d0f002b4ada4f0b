package io.trunkline.bench.media;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the benchmark prints: a line per step, and the table of every target's best step. */
final class RampReport {

  private RampReport() {}

  static void print(String target, StepResult step) {
    LoadGenerator.Outcome outcome = step.outcome();
    if (step.failure() != null) {
      System.out.printf("  %-10s %5d calls  FAIL (%s)%n", target, step.calls(), step.failure());
      return;
    }
    System.out.printf(
        "  %-10s %5d calls %7d pkt/s  sent %8d  lost %7d (%7.3f%%)  dup %d  foreign %d  silent"
            + " streams %d  achieved %8.0f/s  lag max %5.1f ms  cpu gen %.2f relay %s (%s µs/pkt)"
            + "  %s%n",
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
        target.equals("baseline") ? "-" : String.format("%.2f", step.relayMicrosPerPacket()),
        step.pass() ? "pass" : "FAIL (" + step.why() + ")");
  }

  static void summary(List<Ramp> ramps) {
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
    if (relay != null && rtpengine != null) {
      cpuPerPacket(relay, rtpengine);
    }
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

  /**
   * The relays' CPU per packet at every number of calls both passed: the figure that compares them
   * below the generator's ceiling, where the highest passing step cannot tell them apart.
   */
  private static void cpuPerPacket(Ramp relay, Ramp rtpengine) {
    Map<Integer, StepResult> engine = new TreeMap<>();
    rtpengine.measured.stream().filter(StepResult::pass).forEach(s -> engine.put(s.calls(), s));
    Map<Integer, StepResult> ours = new TreeMap<>();
    relay.measured.stream()
        .filter(s -> s.pass() && engine.containsKey(s.calls()))
        .forEach(s -> ours.put(s.calls(), s));
    System.out.println();
    System.out.println(
        "CPU per relayed packet (user + system, warm-up included), at the steps both passed:");
    System.out.printf(
        "%9s %10s %14s %14s %22s%n",
        "calls", "pkt/s", "media-relay µs", "rtpengine µs", "media-relay/rtpengine");
    ours.forEach(
        (calls, step) -> {
          double theirs = engine.get(calls).relayMicrosPerPacket();
          System.out.printf(
              "%9d %10d %14.2f %14.2f %22s%n",
              calls,
              perSecond(calls),
              step.relayMicrosPerPacket(),
              theirs,
              theirs > 0 ? String.format("%.2f", step.relayMicrosPerPacket() / theirs) : "n/a");
        });
    if (ours.isEmpty()) {
      System.out.println("  (no step passed by both)");
    }
  }

  private static long perSecond(int calls) {
    return (long) calls * 2 * LoadGenerator.PACKETS_PER_SECOND;
  }
}
