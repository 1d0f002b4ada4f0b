package io.trunkline.bench.media;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
}
