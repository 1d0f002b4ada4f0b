package io.trunkline.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void sumsEverySampleOfTheMetricAndNothingElse() {
    String text =
        """
        # HELP trunkline_sessions Concurrent calls
        # TYPE trunkline_sessions gauge
        trunkline_sessions{trunk="acme",line="alice"} 3.0
        trunkline_sessions{trunk="acme",line="bob"} 4.0
        trunkline_sessions_total 99.0
        trunkline_sessions 1
        jvm_threads_live_threads 42.0
        """;

    assertThat(PrometheusText.sum(text, "trunkline_sessions")).hasValue(8.0);
  }

  @Test
  void isEmptyWithoutTheMetricAndSkipsUnreadableSamples() {
    assertThat(PrometheusText.sum("jvm_threads_live_threads 42.0\n", "trunkline_sessions"))
        .isEmpty();
    assertThat(
            PrometheusText.sum(
                "trunkline_sessions{trunk=\"a\"} NaN\ntrunkline_sessions x\n",
                "trunkline_sessions"))
        .isEmpty();
  }

  @Test
  void sumsTheSamplesOfTheMetricPerValueOfOneLabel() {
    String text =
        """
        trunkline_carrier_changes_total{carrier="carrier-b",reason="timeout",to="down",trunk="acme"} 1.0
        trunkline_carrier_up{carrier="carrier-a",trunk="acme"} 1.0
        trunkline_carrier_up{trunk="acme",carrier="carrier-b"} 0.0
        trunkline_carrier_up{carrier="odd \\"name\\", with } and ,",trunk="acme",} 1.0
        trunkline_carrier_up{trunk="acme"} 1.0
        trunkline_carrier_up{carrier="carrier-c"} NaN
        trunkline_carrier_up{carrier="carrier-d} 1.0
        """;

    assertThat(PrometheusText.byLabel(text, "trunkline_carrier_up", "carrier"))
        .containsExactly(
            Map.entry("carrier-a", 1.0),
            Map.entry("carrier-b", 0.0),
            Map.entry("odd \"name\", with } and ,", 1.0));
  }
}
