package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the pods of a trunk's two pools ask of their nodes. Each pool's settings stand beside the
 * defaults: a request or limit not given keeps its default (decision 0037).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodResources {

  @JsonPropertyDescription(
      "The SIP proxies' container. Its heap is 60% of the memory limit: an ended call is kept"
          + " 32 s to absorb retransmissions (RFC 3261 Timer J, RFC 6026), about 1.5 KB each, so"
          + " a proxy holds some 50 KB per call a second it takes.")
  private EngineResources proxy;

  @JsonPropertyDescription("The media relays' container. Its heap is 75% of the memory limit.")
  private EngineResources relay;

  public EngineResources getProxy() {
    return proxy;
  }

  public void setProxy(EngineResources proxy) {
    this.proxy = proxy;
  }

  public EngineResources getRelay() {
    return relay;
  }

  public void setRelay(EngineResources relay) {
    this.relay = relay;
  }
}
