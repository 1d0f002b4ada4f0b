package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;

/** Bounds of a trunk's SIP proxy pool, scaled on concurrent sessions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas")
public class Scaling {

  @Default("" + Defaults.MIN_REPLICAS)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Fewest proxy replicas, kept even when the trunk is idle.")
  private Integer minReplicas;

  @Default("" + Defaults.MAX_REPLICAS)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Most proxy replicas the autoscaler may run.")
  private Integer maxReplicas;

  @Default("" + Defaults.SESSIONS_PER_REPLICA)
  @Min(1)
  @Max(100_000)
  @JsonPropertyDescription("Concurrent sessions one proxy replica is sized for.")
  private Integer sessionsPerReplica;

  @Default("Operator")
  @JsonPropertyDescription(
      "Operator scales the proxy pool itself from the proxies' session counts; HPA renders a"
          + " HorizontalPodAutoscaler on the same metric instead.")
  private ScalingMode mode;

  @Default("" + Defaults.SCALE_DOWN_STABILIZATION_SECONDS)
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription(
      "Seconds the pool must have been oversized before it shrinks, so a lull does not cost"
          + " capacity the next burst needs.")
  private Integer scaleDownStabilizationSeconds;

  @Min(0)
  @Max(86400)
  @JsonPropertyDescription(
      "Seconds a terminating proxy or relay keeps carrying its live calls while it takes no new"
          + " ones, so that scale-down and rollouts drop no call that ends within them. Unset: the"
          + " operator's default (the chart's pools.drainSeconds).")
  private Integer drainSeconds;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getSessionsPerReplica() {
    return sessionsPerReplica;
  }

  public void setSessionsPerReplica(Integer sessionsPerReplica) {
    this.sessionsPerReplica = sessionsPerReplica;
  }

  public ScalingMode getMode() {
    return mode;
  }

  public void setMode(ScalingMode mode) {
    this.mode = mode;
  }

  public Integer getScaleDownStabilizationSeconds() {
    return scaleDownStabilizationSeconds;
  }

  public void setScaleDownStabilizationSeconds(Integer scaleDownStabilizationSeconds) {
    this.scaleDownStabilizationSeconds = scaleDownStabilizationSeconds;
  }

  public Integer getDrainSeconds() {
    return drainSeconds;
  }

  public void setDrainSeconds(Integer drainSeconds) {
    this.drainSeconds = drainSeconds;
  }
}
