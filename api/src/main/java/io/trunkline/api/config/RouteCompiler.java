package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.route.RouteMatch;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.route.RouteRule;
import io.trunkline.api.v1alpha1.route.RouteTarget;
import io.trunkline.api.v1alpha1.route.TimeWindow;
import io.trunkline.api.v1alpha1.route.Weekday;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the rules of the route policies that name a trunk into its routes. Every fault of a rule
 * is reported, and any one blocks the snapshot: leaving a rule out could fail open, for example by
 * dropping the rule that blocks international calls (decision 0006).
 */
final class RouteCompiler {

  /** E.164 (ITU-T E.164 §6): a + and at most 15 digits; a prefix may stop anywhere. */
  private static final Pattern E164_PREFIX = Pattern.compile("\\+[0-9]{0,15}");

  private final String trunk;
  private final Set<String> carriers;
  private final Predicate<String> isLine;
  private final Problems problems;

  private RouteCompiler(
      String trunk, Set<String> carriers, Predicate<String> isLine, Problems problems) {
    this.trunk = trunk;
    this.carriers = carriers;
    this.isLine = isLine;
    this.problems = problems;
  }

  /**
   * Compiles the rules of the policies among {@code policies} that name {@code trunk}, checking
   * that the carriers and lines they name are among the trunk's compiled ones.
   */
  static List<TrunkConfig.Route> compile(
      String trunk,
      Collection<RoutePolicy> policies,
      Set<String> carriers,
      Predicate<String> isLine,
      Problems problems) {
    return new RouteCompiler(trunk, carriers, isLine, problems).compile(policies);
  }

  private List<TrunkConfig.Route> compile(Collection<RoutePolicy> policies) {
    List<TrunkConfig.Route> routes = new ArrayList<>();
    // In name order, so that the snapshot, and so its version, does not depend on the order the
    // caller's cache lists the policies in.
    List<RoutePolicy> byName =
        policies.stream()
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    for (RoutePolicy policy : byName) {
      if (policy.getSpec() == null
          || !requireNonNullElse(policy.getSpec().getTrunks(), List.<String>of()).contains(trunk)) {
        continue;
      }
      String policyName = policy.getMetadata().getName();
      String timeZone = requireNonNullElse(policy.getSpec().getTimeZone(), Defaults.TIME_ZONE);
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        invalid(policyName, "timeZone " + timeZone + " is not an IANA time zone");
      }
      for (RouteRule rule : requireNonNullElse(policy.getSpec().getRules(), List.<RouteRule>of())) {
        route(policyName, timeZone, rule).ifPresent(routes::add);
      }
    }
    return routes;
  }

  private Optional<TrunkConfig.Route> route(String policy, String timeZone, RouteRule rule) {
    String where = "rule " + rule.getName() + ": ";
    int before = problems.count();
    RouteMatch match = requireNonNullElse(rule.getMatch(), new RouteMatch());
    List<String> prefixes =
        List.copyOf(new LinkedHashSet<>(requireNonNullElse(match.getPrefixes(), List.of())));
    for (String prefix : prefixes) {
      if (!E164_PREFIX.matcher(prefix).matches()) {
        invalid(policy, where + "prefix " + prefix + " is not + and up to 15 digits");
      }
    }
    if (match.getPattern() != null) {
      try {
        Pattern.compile(match.getPattern());
      } catch (PatternSyntaxException e) {
        invalid(policy, where + "pattern does not compile: " + e.getDescription());
      }
    }
    List<String> fromLines =
        List.copyOf(new LinkedHashSet<>(requireNonNullElse(match.getFromLines(), List.of())));
    for (String line : fromLines) {
      if (!isLine.test(line)) {
        invalid(policy, where + "fromLines names " + line + ", not a line of the trunk");
      }
    }
    List<TrunkConfig.Target> targets = new ArrayList<>();
    for (RouteTarget target : requireNonNullElse(rule.getRoute(), List.<RouteTarget>of())) {
      if (!carriers.contains(target.getCarrier())) {
        invalid(
            policy,
            where + "carrier " + target.getCarrier() + " is not a carrier of trunk " + trunk);
      }
      targets.add(
          new TrunkConfig.Target(
              target.getCarrier(),
              requireNonNullElse(target.getPriority(), Defaults.PRIORITY),
              requireNonNullElse(target.getWeight(), Defaults.WEIGHT)));
    }
    if (problems.count() > before) {
      return Optional.empty();
    }
    TrunkConfig.Reject reject =
        rule.getReject() == null
            ? null
            : new TrunkConfig.Reject(
                requireNonNullElse(rule.getReject().getStatus(), Defaults.REJECT_STATUS),
                rule.getReject().getReason());
    return Optional.of(
        new TrunkConfig.Route(
            policy,
            rule.getName(),
            prefixes,
            match.getPattern(),
            fromLines,
            timeZone,
            requireNonNullElse(match.getTimeWindows(), List.<TimeWindow>of()).stream()
                .map(RouteCompiler::timeWindow)
                .toList(),
            targets,
            reject));
  }

  private void invalid(String policy, String message) {
    problems.block("RoutePolicy", policy, Problem.INVALID_ROUTE, message);
  }

  /** A window without days holds on every day of the week. */
  private static TrunkConfig.TimeWindow timeWindow(TimeWindow window) {
    List<String> days =
        (window.getDays() == null || window.getDays().isEmpty()
                ? List.of(Weekday.values())
                : window.getDays())
            .stream().distinct().sorted().map(RouteCompiler::dayOfWeek).toList();
    return new TrunkConfig.TimeWindow(days, minutes(window.getStart()), minutes(window.getEnd()));
  }

  private static String dayOfWeek(Weekday day) {
    return DayOfWeek.of(day.ordinal() + 1).name();
  }

  /** Minutes since midnight of the schema's "HH:MM", where an end may be 24:00. */
  private static int minutes(String hhmm) {
    return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3, 5));
  }
}
