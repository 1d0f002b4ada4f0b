package io.trunkline.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's metrics per controller only (the {@code operator_sdk_*} of docs/metrics.md). Quarkus
 * Operator SDK's default adds meters per resource, a timer with histograms for each line and trunk:
 * about 80 MB of the heap at 10,000 lines (bench/operator-scale.sh), and never read.
 */
@Singleton
public class ControllerMetrics {

  @Produces
  @Singleton
  Metrics metrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
