package io.trunkline.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.operator.scaling.SessionScraper.ProxyReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the scraper makes of the proxies' metrics, without pods or HTTP. */
class SessionScraperTest {

  /**
   * A proxy's /q/metrics as its Micrometer Prometheus registry writes it (labels sorted, so {@code
   * carrier} before {@code trunk}; gauges as doubles).
   */
  private static final String PROXY_METRICS =
      """
      # HELP trunkline_carrier_changes_total \s
      # TYPE trunkline_carrier_changes_total counter
      trunkline_carrier_changes_total{carrier="carrier-b",reason="timeout",to="down",trunk="acme"} 1.0
      # HELP trunkline_carrier_up \s
      # TYPE trunkline_carrier_up gauge
      trunkline_carrier_up{carrier="carrier-a",trunk="acme"} 1.0
      trunkline_carrier_up{carrier="carrier-b",trunk="acme"} 0.0
      # HELP trunkline_sessions \s
      # TYPE trunkline_sessions gauge
      trunkline_sessions{trunk="acme"} 3.0
      # HELP trunkline_store_shared \s
      # TYPE trunkline_store_shared gauge
      trunkline_store_shared{trunk="acme"} 1.0
      """;

  @Test
  void readsSessionsAndCarriersFromOneProxysMetrics() {
    assertThat(ProxyReport.parse(PROXY_METRICS))
        .contains(new ProxyReport(3, Map.of("carrier-a", 1.0, "carrier-b", 0.0), false));
  }

  @Test
  void aProxyOnItsShareSaysSoWithAZeroStoreGauge() {
    String onShare =
        PROXY_METRICS.replace(
            "trunkline_store_shared{trunk=\"acme\"} 1.0",
            "trunkline_store_shared{trunk=\"acme\"} 0.0");
    String withoutStore = PROXY_METRICS.replace("trunkline_store_shared{trunk=\"acme\"} 1.0\n", "");

    assertThat(ProxyReport.parse(onShare).orElseThrow().onShare()).isTrue();
    assertThat(ProxyReport.parse(withoutStore).orElseThrow().onShare()).isFalse();
  }

  @Test
  void proxiesOnTheirShareAreCounted() {
    SessionCount count =
        SessionScraper.count(
            List.of(
                Optional.of(new ProxyReport(1, BOTH_UP, true)),
                Optional.of(new ProxyReport(2, BOTH_UP, false)),
                Optional.of(new ProxyReport(3, BOTH_UP, true)),
                Optional.empty()));

    assertThat(count.podsOnShare()).isEqualTo(2);
    assertThat(count.podsAnswered()).isEqualTo(3);
  }

  @Test
  void metricsWithoutTheSessionGaugeAreNoProxysAnswer() {
    assertThat(ProxyReport.parse("trunkline_carrier_up{carrier=\"carrier-a\"} 1.0\n")).isEmpty();
  }

  @Test
  void everyCarrierUp() {
    SessionCount count = SessionScraper.count(List.of(proxy(2, BOTH_UP), proxy(5, BOTH_UP)));

    assertThat(count)
        .isEqualTo(new SessionCount(7, 2, 0, Set.of("carrier-a", "carrier-b"), Set.of(), 0));
  }

  @Test
  void aCarrierDownOnEveryProxyIsDown() {
    SessionCount count = SessionScraper.count(List.of(proxy(0, B_DOWN), proxy(0, B_DOWN)));

    assertThat(count.carriersUp()).containsOnly("carrier-a");
    assertThat(count.carriersDown()).containsOnly("carrier-b");
  }

  @Test
  void aCarrierUpOnOneProxyOnlyIsUp() {
    SessionCount count =
        SessionScraper.count(List.of(proxy(0, B_DOWN), proxy(0, BOTH_UP), Optional.empty()));

    assertThat(count.carriersUp()).containsOnly("carrier-a", "carrier-b");
    assertThat(count.carriersDown()).isEmpty();
    assertThat(count.podsAnswered()).isEqualTo(2);
    assertThat(count.podsSilent()).isEqualTo(1);
  }

  @Test
  void noProxyAnswered() {
    assertThat(SessionScraper.count(List.of(Optional.empty(), Optional.empty())))
        .isEqualTo(new SessionCount(0, 0, 2, Set.of(), Set.of(), 0));
    assertThat(SessionScraper.count(List.of()).complete()).isFalse();
  }

  private static final Map<String, Double> BOTH_UP = Map.of("carrier-a", 1.0, "carrier-b", 1.0);
  private static final Map<String, Double> B_DOWN = Map.of("carrier-a", 1.0, "carrier-b", 0.0);

  private static Optional<ProxyReport> proxy(int sessions, Map<String, Double> carriers) {
    return Optional.of(new ProxyReport(sessions, carriers, false));
  }
}
