package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.trunkline.api.v1alpha1.Defaults;

/**
 * How many REGISTERs a trunk's proxies take, each proxy counting what it serves, before any digest
 * work: per source (an address and port, as behind NAT each phone has its own port) and for the
 * whole trunk. A REGISTER beyond them is answered 503 with a Retry-After, never 403, which a phone
 * would take for a wrong password.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Registration {

  @Default("" + Defaults.REGISTERS_PER_SOURCE_PER_SECOND)
  @Min(1)
  @Max(10_000)
  @JsonPropertyDescription(
      "REGISTERs a second one source address and port may send once its burst is spent; beyond"
          + " them it is answered 503 Too Many Registrations with a Retry-After of the seconds its"
          + " burst takes to come back.")
  private Integer perSourcePerSecond;

  @Default("" + Defaults.REGISTER_BURST_PER_SOURCE)
  @Min(1)
  @Max(100_000)
  @JsonPropertyDescription(
      "REGISTERs one source address and port may send at once: a phone with a dozen accounts"
          + " sends two for each (challenge and answer) at boot. Raise it for many phones behind"
          + " one address and port, such as a PBX or SBC that registers them all.")
  private Integer perSourceBurst;

  @Default("" + Defaults.REGISTERS_PER_TRUNK_PER_SECOND)
  @Min(1)
  @Max(10_000)
  @JsonPropertyDescription(
      "REGISTERs a second each proxy takes for the whole trunk once its burst is spent; beyond"
          + " them it answers 503 Registrar Busy with a Retry-After of 5 to 30 s, spread.")
  private Integer perTrunkPerSecond;

  @Default("" + Defaults.REGISTER_BURST_PER_TRUNK)
  @Min(1)
  @Max(100_000)
  @JsonPropertyDescription(
      "REGISTERs each proxy takes at once for the whole trunk: the default lets a 1000-line"
          + " office back from a power cut (2000 REGISTERs) through in about 8 s; a site of 5,000"
          + " phones wants about 10,000.")
  private Integer perTrunkBurst;

  public Integer getPerSourcePerSecond() {
    return perSourcePerSecond;
  }

  public void setPerSourcePerSecond(Integer perSourcePerSecond) {
    this.perSourcePerSecond = perSourcePerSecond;
  }

  public Integer getPerSourceBurst() {
    return perSourceBurst;
  }

  public void setPerSourceBurst(Integer perSourceBurst) {
    this.perSourceBurst = perSourceBurst;
  }

  public Integer getPerTrunkPerSecond() {
    return perTrunkPerSecond;
  }

  public void setPerTrunkPerSecond(Integer perTrunkPerSecond) {
    this.perTrunkPerSecond = perTrunkPerSecond;
  }

  public Integer getPerTrunkBurst() {
    return perTrunkBurst;
  }

  public void setPerTrunkBurst(Integer perTrunkBurst) {
    this.perTrunkBurst = perTrunkBurst;
  }
}
