package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.trunkline.api.v1alpha1.ResourceStatus;

/** What the operator last observed of a SipTrunk. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SipTrunkStatus extends ResourceStatus {

  @JsonPropertyDescription("Proxy replicas ready to take calls.")
  private Integer proxyReplicas;

  @JsonPropertyDescription("Proxy replicas the autoscaler wants, within the scaling bounds.")
  private Integer desiredProxyReplicas;

  @JsonPropertyDescription("Relay replicas ready to carry media.")
  private Integer relayReplicas;

  @JsonPropertyDescription("Concurrent calls (sessions) the proxies last reported.")
  private Integer sessions;

  @JsonPropertyDescription("Channels in use out of the trunk's channels, e.g. 12/20.")
  private String channelUse;

  @JsonPropertyDescription(
      "Carriers in rotation on at least one proxy out of those configured, e.g. 1/2; a carrier"
          + " leaves rotation when probes go unanswered or a call meets a timeout, a refusal or a"
          + " 503.")
  private String carriersUp;

  @JsonPropertyDescription("Name of the ConfigMap holding the trunk's compiled configuration.")
  private String snapshotConfigMap;

  @JsonPropertyDescription("Version of the compiled configuration in force.")
  private String snapshotVersion;

  @JsonPropertyDescription("SipLines in the snapshot.")
  private Integer lines;

  public Integer getProxyReplicas() {
    return proxyReplicas;
  }

  public void setProxyReplicas(Integer proxyReplicas) {
    this.proxyReplicas = proxyReplicas;
  }

  public Integer getDesiredProxyReplicas() {
    return desiredProxyReplicas;
  }

  public void setDesiredProxyReplicas(Integer desiredProxyReplicas) {
    this.desiredProxyReplicas = desiredProxyReplicas;
  }

  public Integer getRelayReplicas() {
    return relayReplicas;
  }

  public void setRelayReplicas(Integer relayReplicas) {
    this.relayReplicas = relayReplicas;
  }

  public Integer getSessions() {
    return sessions;
  }

  public void setSessions(Integer sessions) {
    this.sessions = sessions;
  }

  public String getChannelUse() {
    return channelUse;
  }

  public void setChannelUse(String channelUse) {
    this.channelUse = channelUse;
  }

  public String getCarriersUp() {
    return carriersUp;
  }

  public void setCarriersUp(String carriersUp) {
    this.carriersUp = carriersUp;
  }

  public String getSnapshotConfigMap() {
    return snapshotConfigMap;
  }

  public void setSnapshotConfigMap(String snapshotConfigMap) {
    this.snapshotConfigMap = snapshotConfigMap;
  }

  public String getSnapshotVersion() {
    return snapshotVersion;
  }

  public void setSnapshotVersion(String snapshotVersion) {
    this.snapshotVersion = snapshotVersion;
  }

  public Integer getLines() {
    return lines;
  }

  public void setLines(Integer lines) {
    this.lines = lines;
  }
}
