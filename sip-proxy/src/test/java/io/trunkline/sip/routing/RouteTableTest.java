package io.trunkline.sip.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Reject;
import io.trunkline.api.config.TrunkConfig.Route;
import io.trunkline.api.config.TrunkConfig.Target;
import io.trunkline.api.config.TrunkConfig.TimeWindow;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static final Instant MONDAY_NOON = Instant.parse("2026-11-23T11:00:00Z"); // 12:00 Berlin
  private static final Instant SUNDAY_NOON = Instant.parse("2026-11-22T11:00:00Z");

  private final RouteTable table =
      new RouteTable(
          config(
              List.of(
                  route(
                      "national",
                      List.of("+49"),
                      null,
                      List.of(),
                      null,
                      target("a", 1, 1),
                      target("b", 2, 1)),
                  route(
                      "mobile",
                      List.of("+4915", "+4917"),
                      "\\+491[57][0-9]{8,9}",
                      List.of(),
                      null,
                      target("a", 1, 3),
                      target("b", 1, 1)),
                  route(
                      "premium",
                      List.of("+49900"),
                      null,
                      List.of(),
                      new Reject(403, "Destination blocked")),
                  route(
                      "abroad-office-hours",
                      List.of("+"),
                      null,
                      List.of(new TimeWindow(List.of("MONDAY", "TUESDAY"), 8 * 60, 18 * 60)),
                      null,
                      target("b", 1, 1)),
                  route(
                      "abroad",
                      List.of("+"),
                      null,
                      List.of(),
                      new Reject(403, "International calls blocked")))));

  @Test
  void takesTheLongestMatchingPrefix() {
    assertThat(decide("+4990012345", MONDAY_NOON))
        .isEqualTo(new RouteDecision.Reject("premium", 403, "Destination blocked"));
    assertThat(((RouteDecision.Forward) decide("+4930123456", MONDAY_NOON)).rule())
        .isEqualTo("national");
  }

  @Test
  void ordersCarriersByPriorityForFailover() {
    RouteDecision.Forward forward = (RouteDecision.Forward) decide("+4930123456", MONDAY_NOON);

    assertThat(forward.carriers()).extracting(Carrier::name).containsExactly("a", "b");
  }

  @Test
  void skipsCarriersThatAreDown() {
    RouteDecision.Forward forward =
        (RouteDecision.Forward)
            table.decide(
                "+4930123456", null, MONDAY_NOON, c -> !c.equals("a"), new SplittableRandom(1));

    assertThat(forward.carriers()).extracting(Carrier::name).containsExactly("b");
  }

  @Test
  void patternsNarrowARule() {
    assertThat(((RouteDecision.Forward) decide("+4915112345678", MONDAY_NOON)).rule())
        .isEqualTo("mobile");
    // Too short for the mobile pattern: the national rule takes it.
    assertThat(((RouteDecision.Forward) decide("+491511", MONDAY_NOON)).rule())
        .isEqualTo("national");
  }

  @Test
  void timeWindowsFollowThePolicysTimeZone() {
    assertThat(decide("+15550100", MONDAY_NOON)).isInstanceOf(RouteDecision.Forward.class);
    assertThat(decide("+15550100", SUNDAY_NOON))
        .isEqualTo(new RouteDecision.Reject("abroad", 403, "International calls blocked"));
  }

  /** After hours on weekdays: Friday 18:00 to Saturday 08:00 holds, Saturday evening does not. */
  @Test
  void aWindowEndingBeforeItStartsRunsPastMidnightIntoTheNextDay() {
    RouteTable afterHours =
        new RouteTable(
            config(
                List.of(
                    route(
                        "after-hours",
                        List.of("+49"),
                        null,
                        List.of(
                            new TimeWindow(
                                List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"),
                                18 * 60,
                                8 * 60)),
                        new Reject(480, "Office closed")))));

    // Berlin is UTC+1 in November.
    assertThat(closed(afterHours, "2026-11-27T17:00:00Z")).as("Friday 18:00").isTrue();
    assertThat(closed(afterHours, "2026-11-28T06:59:00Z")).as("Saturday 07:59").isTrue();
    assertThat(closed(afterHours, "2026-11-28T07:00:00Z")).as("Saturday 08:00").isFalse();
    assertThat(closed(afterHours, "2026-11-27T16:59:00Z")).as("Friday 17:59").isFalse();
    assertThat(closed(afterHours, "2026-11-28T19:00:00Z")).as("Saturday 20:00").isFalse();
    assertThat(closed(afterHours, "2026-11-23T06:00:00Z")).as("Monday 07:00").isFalse();
  }

  @Test
  void spreadsCallsByWeightWithinOnePriority() {
    SplittableRandom random = new SplittableRandom(7);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      RouteDecision.Forward forward =
          (RouteDecision.Forward)
              table.decide("+4915112345678", null, MONDAY_NOON, c -> true, random);
      first.merge(forward.carriers().get(0).name(), 1, Integer::sum);
      assertThat(forward.carriers()).hasSize(2);
    }

    // Weight 3 against 1: about three calls in four go to a first.
    assertThat(first.get("a")).isBetween(2800, 3200);
  }

  /** Dialled without +, the number escapes the catch-all reject, and is still not carried. */
  @Test
  void answersNoRouteWhenNothingMatchesOnceAPolicyNamesTheTrunk() {
    assertThat(decide("030123456", MONDAY_NOON)).isEqualTo(new RouteDecision.NoRoute());
  }

  @Test
  void withoutPoliciesEveryNumberGoesToTheTrunksCarriersLowestPriorityFirst() {
    RouteTable trunkOrder =
        new RouteTable(
            config(
                List.of(),
                carrier("second", 2, 100),
                carrier("first", 1, 100),
                carrier("third", 3, 100)));

    for (String number : List.of("+4930123456", "030123456", "+88213")) {
      RouteDecision.Forward forward = (RouteDecision.Forward) decide(trunkOrder, number, c -> true);
      assertThat(forward.rule()).isNull();
      assertThat(forward.carriers())
          .extracting(Carrier::name)
          .containsExactly("first", "second", "third");
    }
  }

  @Test
  void withoutPoliciesCarriersFoundDownAreLeftOut() {
    RouteTable trunkOrder =
        new RouteTable(config(List.of(), carrier("first", 1, 100), carrier("second", 2, 100)));

    assertThat(
            ((RouteDecision.Forward) decide(trunkOrder, "+4930123456", c -> !c.equals("first")))
                .carriers())
        .extracting(Carrier::name)
        .containsExactly("second");
    assertThat(((RouteDecision.Forward) decide(trunkOrder, "+4930123456", c -> false)).carriers())
        .isEmpty();
  }

  /**
   * The draw over one priority's carriers, in name order, with weights 3 and 1: draws 0-2 pick the
   * first, 3 the second (RFC 2782's running sum); the one left follows, then the next priority.
   */
  @Test
  void withoutPoliciesTheDrawPicksByRunningSumOfWeights() {
    RouteTable trunkOrder =
        new RouteTable(
            config(List.of(), carrier("backup", 2, 100), carrier("y", 1, 1), carrier("x", 1, 3)));

    assertThat(firstDrawn(trunkOrder, 0)).containsExactly("x", "y", "backup");
    assertThat(firstDrawn(trunkOrder, 2)).containsExactly("x", "y", "backup");
    assertThat(firstDrawn(trunkOrder, 3)).containsExactly("y", "x", "backup");
  }

  @Test
  void withoutPoliciesCallsSpreadByWeightWithinOnePriority() {
    RouteTable trunkOrder =
        new RouteTable(config(List.of(), carrier("x", 1, 300), carrier("y", 1, 100)));
    SplittableRandom random = new SplittableRandom(11);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      List<Carrier> carriers =
          ((RouteDecision.Forward)
                  trunkOrder.decide("+4930123456", null, MONDAY_NOON, c -> true, random))
              .carriers();
      assertThat(carriers).hasSize(2);
      first.merge(carriers.get(0).name(), 1, Integer::sum);
    }

    // Weight 3 against 1, from a seeded generator: the same count on every run.
    assertThat(first.get("x")).isBetween(2800, 3200);
    assertThat(first.get("y")).isEqualTo(4000 - first.get("x"));
  }

  @Test
  void withoutPoliciesWeightZeroTakesCallsOnlyOnFailover() {
    RouteTable trunkOrder =
        new RouteTable(
            config(
                List.of(), carrier("spare", 1, 0), carrier("main", 1, 1), carrier("other", 1, 0)));
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      RouteDecision.Forward forward =
          (RouteDecision.Forward) decide(trunkOrder, "+4930123456", c -> true, random);
      assertThat(forward.carriers())
          .extracting(Carrier::name)
          .containsExactly("main", "other", "spare");
    }
  }

  @Test
  void normalisesDialledNumbers() {
    assertThat(Destination.normalise("0049 (30) 123-456")).contains("+4930123456");
    assertThat(Destination.normalise("+49.30.123456;phone-context=x")).contains("+4930123456");
    assertThat(Destination.normalise("alice")).isEmpty();
    assertThat(Destination.normalise("+")).isEmpty();
  }

  private static boolean closed(RouteTable table, String instant) {
    return table.decide(
            "+4930123456", null, Instant.parse(instant), c -> true, new SplittableRandom(1))
        instanceof RouteDecision.Reject;
  }

  private RouteDecision decide(String number, Instant when) {
    return table.decide(number, null, when, carrier -> true, new SplittableRandom(1));
  }

  private static RouteDecision decide(RouteTable table, String number, Predicate<String> usable) {
    return decide(table, number, usable, new SplittableRandom(1));
  }

  private static RouteDecision decide(
      RouteTable table, String number, Predicate<String> usable, RandomGenerator random) {
    return table.decide(number, null, MONDAY_NOON, usable, random);
  }

  /**
   * The carriers' order when the first draw of the 3-against-1 priority comes out as {@code draw}.
   */
  private static List<String> firstDrawn(RouteTable table, int draw) {
    Deque<Integer> draws = new ArrayDeque<>(List.of(draw, 0, 0));
    RandomGenerator scripted =
        new RandomGenerator() {
          @Override
          public int nextInt(int bound) {
            int next = draws.removeFirst();
            assertThat(next).isLessThan(bound);
            return next;
          }

          @Override
          public long nextLong() {
            throw new AssertionError("the draw asks for a bounded int");
          }
        };
    List<String> order =
        ((RouteDecision.Forward) decide(table, "+4930123456", c -> true, scripted))
            .carriers().stream().map(Carrier::name).toList();
    assertThat(draws).as("draws left").isEmpty();
    return order;
  }

  private static Carrier carrier(String name, int priority, int weight) {
    return new Carrier(name, "127.0.0.10", 5060, "UDP", priority, weight, false);
  }

  private static Target target(String carrier, int priority, int weight) {
    return new Target(carrier, priority, weight);
  }

  private static Route route(
      String rule,
      List<String> prefixes,
      String pattern,
      List<TimeWindow> windows,
      Reject reject,
      Target... targets) {
    return new Route(
        "policy",
        rule,
        prefixes,
        pattern,
        List.of(),
        "Europe/Berlin",
        windows,
        List.of(targets),
        reject);
  }

  private static TrunkConfig config(List<Route> routes) {
    return config(
        routes,
        new Carrier("a", "127.0.0.10", 5060, "UDP", 1, 1, false),
        new Carrier("b", "127.0.0.11", 5060, "UDP", 2, 1, false));
  }

  private static TrunkConfig config(List<Route> routes, Carrier... carriers) {
    return new TrunkConfig(
        "v1",
        "ns",
        "trunk",
        new TrunkConfig.Listener(5060, 5061, List.of("UDP"), null, null, List.of("MD5")),
        new TrunkConfig.Quota(10, 0),
        new TrunkConfig.Qos(24, 46),
        new TrunkConfig.Media(false, 20000, 20099, 0, 60),
        new TrunkConfig.Failover(1000, 10, 2, 1),
        List.of(),
        List.of(carriers),
        new TrunkConfig.Pbx(List.of(), false),
        List.of(),
        routes,
        TrunkConfig.Emergency.NONE,
        3600,
        TrunkConfig.Registration.DEFAULT,
        TrunkConfig.Overload.DEFAULT);
  }
}
