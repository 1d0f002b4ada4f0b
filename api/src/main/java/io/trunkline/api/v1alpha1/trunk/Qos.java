package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.trunkline.api.v1alpha1.Defaults;

/**
 * DSCP marks (RFC 2474) of a trunk's packets. The defaults follow RFC 4594 §4: CS3 for call
 * signalling, EF for real-time media.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Qos {

  @Default("" + Defaults.SIGNALLING_DSCP)
  @Min(0)
  @Max(63)
  @JsonPropertyDescription("DSCP of SIP packets, 0-63. Default 24 (CS3, RFC 4594 call signalling).")
  private Integer signallingDscp;

  @Default("" + Defaults.MEDIA_DSCP)
  @Min(0)
  @Max(63)
  @JsonPropertyDescription(
      "DSCP of RTP and RTCP packets, 0-63. Default 46 (EF, RFC 3246 expedited forwarding).")
  private Integer mediaDscp;

  public Integer getSignallingDscp() {
    return signallingDscp;
  }

  public void setSignallingDscp(Integer signallingDscp) {
    this.signallingDscp = signallingDscp;
  }

  public Integer getMediaDscp() {
    return mediaDscp;
  }

  public void setMediaDscp(Integer mediaDscp) {
    this.mediaDscp = mediaDscp;
  }
}
