package io.trunkline.testing.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DocumentedMetricsTest {

  private final DocumentedMetrics contract =
      DocumentedMetrics.parse(
          """
          Every data-plane pod serves Prometheus text on `:8080/q/metrics`.

          | metric | type | labels | meaning |
          |---|---|---|---|
          | `trunkline_sessions` | gauge | trunk | channels held |
          | `trunkline_carrier_changes_total` | counter | trunk, carrier, to, reason | changes |
          | `trunkline_relay_jitter_seconds` | histogram | trunk | jitter |
          """);

  @Test
  void readsEachRowsMetricTypeAndLabelsAndWhereTheyAreServed() {
    assertThat(contract.names())
        .containsExactlyInAnyOrder(
            "trunkline_sessions",
            "trunkline_carrier_changes_total",
            "trunkline_relay_jitter_seconds");
    assertThat(contract.labelsOf("trunkline_carrier_changes_total"))
        .containsExactlyInAnyOrder("trunk", "carrier", "to", "reason");
    assertThat(contract.metricOf("trunkline_relay_jitter_seconds_bucket"))
        .contains("trunkline_relay_jitter_seconds");
    assertThat(contract.metricOf("trunkline_sessions_bucket")).isEmpty();
    assertThat(contract.typeOf("trunkline_sessions")).isEqualTo("gauge");
    assertThat(contract.typeOf("trunkline_relay_jitter_seconds")).isEqualTo("histogram");
    assertThat(contract.endpoint()).isEqualTo(":8080/q/metrics");
    assertThatThrownBy(() -> contract.typeOf("trunkline_calls_total"))
        .hasMessageContaining("trunkline_calls_total");
  }

  @Test
  void namesEachServedSeriesThatDepartsFromTheContract() {
    List<Series> served =
        Series.ofScrape(
            """
            # TYPE trunkline_sessions gauge
            trunkline_sessions{pod="p",trunk="main"} 3.0
            trunkline_sessions{trunk="main",line="anna"} 1.0
            trunkline_relay_jitter_seconds_bucket{trunk="main",le="0.02"} 4
            trunkline_relay_jitter_seconds_count{trunk="main"} 4
            trunkline_calls_total{trunk="main"} 9.0
            jvm_threads_live_threads 12.0
            """);

    assertThat(contract.departures(served, Set.of("pod")))
        .containsExactly(
            "trunkline_sessions carries [line, trunk], documented [trunk]",
            "trunkline_calls_total is not in docs/metrics.md");
  }

  @Test
  void parsesLabelValuesWithEscapesAndRefusesWhatIsNotASeries() {
    Series series = Series.parse("m{a=\"x\\\"y\",b=\"1,2\"} 7");

    assertThat(series.name()).isEqualTo("m");
    assertThat(series.labels()).isEqualTo(Map.of("a", "x\\\"y", "b", "1,2"));
    assertThat(Series.parse("up 1").labels()).isEmpty();
    assertThatThrownBy(() -> Series.parse("m{a=x} 1")).isInstanceOf(IllegalArgumentException.class);
  }
}
