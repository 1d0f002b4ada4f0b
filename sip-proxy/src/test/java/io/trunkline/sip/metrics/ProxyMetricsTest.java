package io.trunkline.sip.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics docs/metrics.md names, against a real Micrometer registry. */
class ProxyMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProxyMetrics metrics = new ProxyMetrics(registry, "office");
  private final Map<String, Integer> inUse = Map.of("anna", 1, "ben", 2, "carl", 0);

  @Test
  void aLineGaugeFollowsTheSnapshotsLines() {
    metrics.lineSessions(List.of("anna", "ben"), inUse, Map::get);
    Gauge ben = gauge("ben");

    metrics.lineSessions(List.of("ben", "carl"), inUse, Map::get);

    assertThat(registry.find("trunkline.line.sessions").gauges())
        .extracting(g -> g.getId().getTag("line"))
        .containsExactlyInAnyOrder("ben", "carl");
    assertThat(gauge("ben")).isSameAs(ben);
    assertThat(ben.value()).isEqualTo(2.0);
    assertThat(gauge("carl").value()).isZero();
    assertThat(gauge("carl").getId().getTag("trunk")).isEqualTo("office");
  }

  private Gauge gauge(String line) {
    return registry.get("trunkline.line.sessions").tag("line", line).gauge();
  }
}
