package io.trunkline.sip.routing;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Route;
import io.trunkline.api.config.TrunkConfig.Target;
import io.trunkline.api.config.TrunkConfig.TimeWindow;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A trunk's routes, ready to answer "where does this call go". The rule with the longest matching
 * prefix wins; among equals, the first in policy and rule order. A trunk no RoutePolicy names sends
 * every call to its own carriers by their priority and weight; once a policy names it, a number no
 * rule matches has no route, so a policy blocks what it leaves out (toll-fraud protection). Pure
 * apart from the random draw that spreads calls over carriers of equal priority by weight.
 */
public final class RouteTable {

  private final List<CompiledRoute> routes;
  private final Map<String, Carrier> carriers;

  /** The trunk's own carrier order, used only while it has no routes. */
  private final List<Target> trunkOrder;

  private record CompiledRoute(Route route, Pattern pattern, ZoneId zone) {}

  public RouteTable(TrunkConfig config) {
    this.carriers =
        config.carriers().stream().collect(Collectors.toMap(Carrier::name, carrier -> carrier));
    this.routes =
        config.routes().stream()
            .map(
                route ->
                    new CompiledRoute(
                        route,
                        route.pattern() == null ? null : Pattern.compile(route.pattern()),
                        route.timeZone() == null ? ZoneId.of("UTC") : ZoneId.of(route.timeZone())))
            .toList();
    this.trunkOrder =
        config.carriers().stream()
            .map(carrier -> new Target(carrier.name(), carrier.priority(), carrier.weight()))
            .toList();
  }

  /**
   * Decides a call to {@code destination} (normalised E.164) from {@code fromLine} (a line name, or
   * null for the PBX or a carrier).
   *
   * @param usable whether a carrier may take calls now (carriers found down by probing are skipped)
   */
  public RouteDecision decide(
      String destination,
      String fromLine,
      Instant now,
      Predicate<String> usable,
      RandomGenerator random) {
    if (routes.isEmpty()) {
      return new RouteDecision.Forward(null, order(trunkOrder, usable, random));
    }
    CompiledRoute best = null;
    int bestLength = -1;
    for (CompiledRoute candidate : routes) {
      int length = matchLength(candidate, destination, fromLine, now);
      if (length > bestLength) {
        best = candidate;
        bestLength = length;
      }
    }
    if (best == null) {
      return new RouteDecision.NoRoute();
    }
    Route route = best.route();
    if (route.reject() != null) {
      return new RouteDecision.Reject(
          route.rule(), route.reject().status(), route.reject().reason());
    }
    return new RouteDecision.Forward(route.rule(), order(route.targets(), usable, random));
  }

  /** -1 when the rule does not match, else the length of its matching prefix (0 for none). */
  private static int matchLength(
      CompiledRoute candidate, String destination, String fromLine, Instant now) {
    Route route = candidate.route();
    int length = route.prefixes().isEmpty() ? 0 : -1;
    for (String prefix : route.prefixes()) {
      if (destination.startsWith(prefix)) {
        length = Math.max(length, prefix.length());
      }
    }
    if (length < 0) {
      return -1;
    }
    if (candidate.pattern() != null && !candidate.pattern().matcher(destination).matches()) {
      return -1;
    }
    if (!route.fromLines().isEmpty()
        && (fromLine == null || !route.fromLines().contains(fromLine))) {
      return -1;
    }
    if (!route.timeWindows().isEmpty() && !inWindow(route.timeWindows(), now, candidate.zone())) {
      return -1;
    }
    return length;
  }

  /**
   * Whether {@code now} falls in one of the windows. A window's days are the days it starts on: one
   * that ends before it starts (18:00 to 08:00) holds from its start to midnight on those days and
   * from midnight to its end on the days after them.
   */
  private static boolean inWindow(List<TimeWindow> windows, Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    DayOfWeek day = local.getDayOfWeek();
    int minute = local.getHour() * 60 + local.getMinute();
    for (TimeWindow window : windows) {
      boolean holds =
          window.startMinute() < window.endMinute()
              ? startsOn(window, day)
                  && minute >= window.startMinute()
                  && minute < window.endMinute()
              : (startsOn(window, day) && minute >= window.startMinute())
                  || (startsOn(window, day.minus(1)) && minute < window.endMinute());
      if (holds) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsOn(TimeWindow window, DayOfWeek day) {
    return window.days().isEmpty() || window.days().contains(day.name());
  }

  /**
   * Lower priority values first (failover order); within one priority a weighted draw without
   * replacement, as RFC 2782 orders SRV records, so weight 3 against 1 takes three calls in four
   * first. Weight 0 is drawn only when no carrier of its priority with weight is left: it takes
   * calls on failover, as the API promises, where RFC 2782 would give it a small share.
   */
  private List<Carrier> order(
      List<Target> targets, Predicate<String> usable, RandomGenerator random) {
    Map<Integer, List<Target>> byPriority = new TreeMap<>();
    for (Target target : targets) {
      if (usable.test(target.carrier())) {
        byPriority.computeIfAbsent(target.priority(), p -> new ArrayList<>()).add(target);
      }
    }
    List<Carrier> ordered = new ArrayList<>();
    for (List<Target> group : byPriority.values()) {
      List<Target> left = new ArrayList<>(group);
      left.sort(Comparator.comparing(Target::carrier));
      while (!left.isEmpty()) {
        int total = left.stream().mapToInt(t -> Math.max(t.weight(), 0)).sum();
        int pick = 0;
        if (total > 0) {
          int draw = random.nextInt(total);
          while (draw >= Math.max(left.get(pick).weight(), 0)) {
            draw -= Math.max(left.get(pick).weight(), 0);
            pick++;
          }
        }
        ordered.add(carriers.get(left.remove(pick).carrier()));
      }
    }
    return ordered;
  }
}
