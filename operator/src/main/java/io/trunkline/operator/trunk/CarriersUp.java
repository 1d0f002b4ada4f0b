package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.status.Conditions;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The trunk's carriers as its proxies last reported them: the Carriers Up column ({@code
 * <up>/<total>} over the carriers of the spec) and a CarriersUp condition naming the carriers that
 * are not up. Gauges of carriers no longer in the spec are ignored: a proxy keeps them until it
 * restarts.
 *
 * <p>When no proxy answered, the column is left empty and the condition Unknown rather than keeping
 * the last value: a kept "2/2" would hide a carrier that failed while nobody could say, and an
 * empty column claims nothing.
 */
final class CarriersUp {

  static final String CONDITION = "CarriersUp";
  static final String NO_PROXY_ANSWERED = "NoProxyAnswered";
  static final String CARRIERS_DOWN = "CarriersDown";
  static final String NOT_REPORTED = "CarriersNotReported";

  private final int total;
  private final boolean answered;
  private final List<String> up;
  private final List<String> down;
  private final List<String> unreported;

  CarriersUp(List<Carrier> carriers, Optional<SessionCount> sessions) {
    List<String> names = carriers.stream().map(Carrier::getName).toList();
    SessionCount count = sessions.filter(s -> s.podsAnswered() > 0).orElse(null);
    this.total = names.size();
    this.answered = count != null;
    this.up = answered ? only(names, count.carriersUp()::contains) : List.of();
    this.down = answered ? only(names, count.carriersDown()::contains) : List.of();
    this.unreported = answered ? only(names, n -> !up.contains(n) && !down.contains(n)) : List.of();
  }

  /** {@code <up>/<total>}, e.g. {@code 1/2}; null when no proxy answered. */
  String column() {
    return answered ? up.size() + "/" + total : null;
  }

  /**
   * True when every carrier is up; False naming those every answering proxy has out of rotation;
   * Unknown when no proxy answered or a carrier is not reported yet (a proxy reports a carrier from
   * its first probe on, and routes to it meanwhile).
   */
  Condition condition() {
    if (!answered) {
      return Conditions.unknown(
          CONDITION,
          NO_PROXY_ANSWERED,
          "no ready proxy's metrics could be read, so nothing is known of the carriers");
    }
    String notReported = "not reported by any proxy yet: " + String.join(", ", unreported);
    if (!down.isEmpty()) {
      return Conditions.of(
          CONDITION,
          false,
          CARRIERS_DOWN,
          "out of rotation on every proxy that answered: "
              + String.join(", ", down)
              + " (the reason is in the proxies' logs and trunkline_carrier_changes_total)"
              + (unreported.isEmpty() ? "" : "; " + notReported));
    }
    if (!unreported.isEmpty()) {
      return Conditions.unknown(CONDITION, NOT_REPORTED, notReported);
    }
    return Conditions.of(CONDITION, true, CONDITION, "all " + total + " in rotation");
  }

  private static List<String> only(List<String> names, Predicate<String> kept) {
    return names.stream().filter(kept).toList();
  }
}
