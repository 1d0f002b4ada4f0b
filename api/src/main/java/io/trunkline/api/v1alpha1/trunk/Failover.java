package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.trunkline.api.v1alpha1.Defaults;

/** How fast a trunk gives up on a carrier and moves to the next one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Failover {

  @Default("" + Defaults.INVITE_TIMEOUT_MILLIS)
  @Min(100)
  @Max(32000)
  @JsonPropertyDescription(
      "Milliseconds an INVITE waits for a provisional answer before the next carrier is tried,"
          + " instead of the 32 s of Timer B (RFC 3261 §17.1.1.2).")
  private Integer inviteTimeoutMillis;

  @Default("" + Defaults.PROBE_INTERVAL_SECONDS)
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription("Seconds between OPTIONS probes of each carrier.")
  private Integer probeIntervalSeconds;

  @Default("" + Defaults.DOWN_AFTER)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Failed probes in a row that mark a carrier down.")
  private Integer downAfter;

  @Default("" + Defaults.UP_AFTER)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Answered probes in a row that mark a down carrier up again.")
  private Integer upAfter;

  public Integer getInviteTimeoutMillis() {
    return inviteTimeoutMillis;
  }

  public void setInviteTimeoutMillis(Integer inviteTimeoutMillis) {
    this.inviteTimeoutMillis = inviteTimeoutMillis;
  }

  public Integer getProbeIntervalSeconds() {
    return probeIntervalSeconds;
  }

  public void setProbeIntervalSeconds(Integer probeIntervalSeconds) {
    this.probeIntervalSeconds = probeIntervalSeconds;
  }

  public Integer getDownAfter() {
    return downAfter;
  }

  public void setDownAfter(Integer downAfter) {
    this.downAfter = downAfter;
  }

  public Integer getUpAfter() {
    return upAfter;
  }

  public void setUpAfter(Integer upAfter) {
    this.upAfter = upAfter;
  }
}
