package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteCompilerTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void aTimeWindowWithoutDaysHoldsOnEveryDayAndEndsMayBeMidnight() {
    RoutePolicy policy =
        YAML.unmarshal(
            """
            metadata: {name: nights}
            spec:
              trunks: [acme]
              rules:
              - name: late
                match: {timeWindows: [{start: "22:00", end: "24:00"}]}
                route: [{carrier: carrier-a}]
            """,
            RoutePolicy.class);
    Problems problems = new Problems();

    List<TrunkConfig.Route> routes =
        RouteCompiler.compile(
            "acme", List.of(policy), Set.of("carrier-a"), line -> false, problems);

    assertThat(problems.list()).isEmpty();
    assertThat(routes)
        .singleElement()
        .extracting(TrunkConfig.Route::timeWindows)
        .isEqualTo(
            List.of(
                new TrunkConfig.TimeWindow(
                    List.of(
                        "MONDAY",
                        "TUESDAY",
                        "WEDNESDAY",
                        "THURSDAY",
                        "FRIDAY",
                        "SATURDAY",
                        "SUNDAY"),
                    1320,
                    1440)));
  }
}
