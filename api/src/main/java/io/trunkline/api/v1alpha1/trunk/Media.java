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
@ValidationRule(
    value =
        "!has(self.silenceTimeoutSeconds) || self.silenceTimeoutSeconds == 0"
            + " || self.silenceTimeoutSeconds < self.idleTimeoutSeconds",
    message =
        "silenceTimeoutSeconds must be under idleTimeoutSeconds: the relay would forget a silent"
            + " call's session before the proxy ends the call")
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
  @Max(86399)
  @JsonPropertyDescription(
      "Seconds without RTP or RTCP in either direction through the relay after which the proxy"
          + " ends an answered call with a BYE to both parties and frees its channels (a phone"
          + " that crashed, a network that dropped). Calls on hold (sendonly, recvonly, inactive)"
          + " are never ended for silence. 0 turns it off; under idleTimeoutSeconds, since the"
          + " relay forgets the session then. Applies to mode Relay.")
  private Integer silenceTimeoutSeconds;

  @Default("" + Defaults.RELAY_IDLE_TIMEOUT_SECONDS)
  @Min(10)
  @Max(86400)
  @JsonPropertyDescription(
      "Seconds without RTP, RTCP, offer or answer after which a relay forgets a session and"
          + " frees its ports, whichever proxy anchored it: what ends the media of a call whose"
          + " proxy went away without deleting it. A call on hold whose phones send nothing at"
          + " all, not even RTCP, loses its media after this long too: raise it for such phones."
          + " Applies to mode Relay.")
  private Integer idleTimeoutSeconds;

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

  public Integer getIdleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  public void setIdleTimeoutSeconds(Integer idleTimeoutSeconds) {
    this.idleTimeoutSeconds = idleTimeoutSeconds;
  }

  public Integer getSilenceTimeoutSeconds() {
    return silenceTimeoutSeconds;
  }

  public void setSilenceTimeoutSeconds(Integer silenceTimeoutSeconds) {
    this.silenceTimeoutSeconds = silenceTimeoutSeconds;
  }
}
