package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.status.Conditions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Carriers Up column and condition from what the proxies reported. */
class CarriersUpTest {

  private static final List<Carrier> CARRIERS = carriers("carrier-a", "carrier-b");

  @Test
  void everyCarrierUp() {
    CarriersUp carriers = reported(Set.of("carrier-a", "carrier-b"), Set.of());

    assertThat(carriers.column()).isEqualTo("2/2");
    assertThat(render(carriers.condition())).isEqualTo("True CarriersUp all 2 in rotation");
  }

  @Test
  void aCarrierDownNamesIt() {
    CarriersUp carriers = reported(Set.of("carrier-a"), Set.of("carrier-b"));

    assertThat(carriers.column()).isEqualTo("1/2");
    assertThat(render(carriers.condition()))
        .isEqualTo(
            "False CarriersDown out of rotation on every proxy that answered: carrier-b"
                + " (the reason is in the proxies' logs and trunkline_carrier_changes_total)");
  }

  @Test
  void everyCarrierDown() {
    CarriersUp carriers = reported(Set.of(), Set.of("carrier-a", "carrier-b"));

    assertThat(carriers.column()).isEqualTo("0/2");
    assertThat(carriers.condition().getMessage()).contains(": carrier-a, carrier-b (the reason");
  }

  @Test
  void aCarrierNoProxyReportsYetIsNotCountedUp() {
    CarriersUp carriers = reported(Set.of("carrier-a"), Set.of());

    assertThat(carriers.column()).isEqualTo("1/2");
    assertThat(render(carriers.condition()))
        .isEqualTo("Unknown CarriersNotReported not reported by any proxy yet: carrier-b");
  }

  @Test
  void aCarrierDownComesFirstAndOneNotReportedIsNamedToo() {
    CarriersUp carriers =
        new CarriersUp(
            carriers("carrier-a", "carrier-b", "carrier-c"),
            Optional.of(new SessionCount(0, 2, 0, Set.of("carrier-a"), Set.of("carrier-b"), 0)));

    assertThat(carriers.column()).isEqualTo("1/3");
    assertThat(carriers.condition().getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(carriers.condition().getMessage())
        .endsWith("trunkline_carrier_changes_total); not reported by any proxy yet: carrier-c");
  }

  @Test
  void gaugesOfCarriersNoLongerInTheSpecAreIgnored() {
    CarriersUp carriers =
        reported(Set.of("carrier-a", "carrier-b", "removed-up"), Set.of("removed-down"));

    assertThat(carriers.column()).isEqualTo("2/2");
    assertThat(carriers.condition().getStatus()).isEqualTo(Conditions.TRUE);
  }

  @Test
  void noProxyAnsweredLeavesTheColumnEmpty() {
    for (Optional<SessionCount> nothing :
        List.of(
            Optional.<SessionCount>empty(),
            Optional.of(new SessionCount(0, 0, 2, Set.of(), Set.of(), 0)))) {
      CarriersUp carriers = new CarriersUp(CARRIERS, nothing);

      assertThat(carriers.column()).isNull();
      assertThat(render(carriers.condition()))
          .isEqualTo(
              "Unknown NoProxyAnswered no ready proxy's metrics could be read, so nothing is"
                  + " known of the carriers");
    }
  }

  /** One proxy answered, one did not: the answering one still counts. */
  private static CarriersUp reported(Set<String> up, Set<String> down) {
    return new CarriersUp(CARRIERS, Optional.of(new SessionCount(4, 1, 1, up, down, 0)));
  }

  private static String render(Condition condition) {
    assertThat(condition.getType()).isEqualTo(CarriersUp.CONDITION);
    return condition.getStatus() + " " + condition.getReason() + " " + condition.getMessage();
  }

  private static List<Carrier> carriers(String... names) {
    return Stream.of(names)
        .map(
            name -> {
              Carrier carrier = new Carrier();
              carrier.setName(name);
              return carrier;
            })
        .toList();
  }
}
