package io.trunkline.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

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
}
