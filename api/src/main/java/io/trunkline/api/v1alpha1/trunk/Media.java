package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;

/** How a trunk carries RTP: through its relays, or straight between the ends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.portMin % 2 == 0",
    message = "portMin must be even: RTP takes the even port of each pair (RFC 3550 §11)")
@ValidationRule(
    value = "self.portMax - self.portMin >= 3",
    message = "the port range must hold at least two RTP/RTCP pairs")
public class Media {

  @Default("Relay")
  @JsonPropertyDescription(
      "Relay anchors media in the trunk's relays (NAT traversal, DSCP, quality stats); Bypass"
          + " leaves the SDP untouched so media flows end to end.")
  private MediaMode mode;

  @Default("true")
  @JsonPropertyDescription(
      "Run relays on the node's network, since Services cannot publish RTP port ranges.")
  private Boolean hostNetwork;

  @Default("" + Defaults.RTP_PORT_MIN)
  @Min(1024)
  @Max(65534)
  @JsonPropertyDescription("First port of each relay's RTP/RTCP range; even.")
  private Integer portMin;

  @Default("" + Defaults.RTP_PORT_MAX)
  @Min(1025)
  @Max(65535)
  @JsonPropertyDescription("Last port of each relay's RTP/RTCP range.")
  private Integer portMax;

  @Default("" + Defaults.SILENCE_TIMEOUT_SECONDS)
  @Min(0)
  @Max(50)
  @JsonPropertyDescription(
      "Seconds without RTP or RTCP in either direction through the relay after which the proxy"
          + " ends an answered call with a BYE to both parties and frees its channels (a phone"
          + " that crashed, a network that dropped). Calls on hold (sendonly, recvonly, inactive)"
          + " are never ended for silence. 0 turns it off; at most 50, since a relay forgets a"
          + " session after 60 s without media. Applies to mode Relay.")
  private Integer silenceTimeoutSeconds;

  public MediaMode getMode() {
    return mode;
  }

  public void setMode(MediaMode mode) {
    this.mode = mode;
  }

  public Boolean getHostNetwork() {
    return hostNetwork;
  }

  public void setHostNetwork(Boolean hostNetwork) {
    this.hostNetwork = hostNetwork;
  }

  public Integer getPortMin() {
    return portMin;
  }

  public void setPortMin(Integer portMin) {
    this.portMin = portMin;
  }

  public Integer getPortMax() {
    return portMax;
  }

  public void setPortMax(Integer portMax) {
    this.portMax = portMax;
  }

  public Integer getSilenceTimeoutSeconds() {
    return silenceTimeoutSeconds;
  }

  public void setSilenceTimeoutSeconds(Integer silenceTimeoutSeconds) {
    this.silenceTimeoutSeconds = silenceTimeoutSeconds;
  }
}
