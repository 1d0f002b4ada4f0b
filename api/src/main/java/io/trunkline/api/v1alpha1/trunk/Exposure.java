package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * How carriers and phones outside the cluster reach a trunk's proxies. Every choice but ClusterIP
 * keeps the peer's own source address on the way in (a Service's externalTrafficPolicy Local, or
 * the host network), since PBX allow-lists and source bans admit by it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != 'NodePort' || has(self.nodePort)",
    message = "nodePort is required when type is NodePort")
@ValidationRule(
    value = "self.type == 'NodePort' || (!has(self.nodePort) && !has(self.tlsNodePort))",
    message = "nodePort and tlsNodePort apply to type NodePort only")
@ValidationRule(
    value = "!has(self.tlsNodePort) || self.tlsNodePort != self.nodePort",
    message = "nodePort and tlsNodePort must differ")
public class Exposure {

  @Default("ClusterIP")
  @JsonPropertyDescription(
      "ClusterIP (inside the cluster only), NodePort, LoadBalancer, or HostNetwork (one proxy"
          + " per node, on the node's SIP port).")
  private ExposureType type;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription(
      "Type NodePort: the node port for SIP over UDP and TCP, which Via and Record-Route carry."
          + " Within the API server's node port range (30000-32767 by default).")
  private Integer nodePort;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Type NodePort with TLS among the transports: the node port for SIPS.")
  private Integer tlsNodePort;

  @JsonPropertyDescription(
      "Annotations of the trunk's SIP Service, for a cloud's or MetalLB's load balancer"
          + " settings.")
  private Map<String, String> serviceAnnotations;

  public ExposureType getType() {
    return type;
  }

  public void setType(ExposureType type) {
    this.type = type;
  }

  public Integer getNodePort() {
    return nodePort;
  }

  public void setNodePort(Integer nodePort) {
    this.nodePort = nodePort;
  }

  public Integer getTlsNodePort() {
    return tlsNodePort;
  }

  public void setTlsNodePort(Integer tlsNodePort) {
    this.tlsNodePort = tlsNodePort;
  }

  public Map<String, String> getServiceAnnotations() {
    return serviceAnnotations;
  }

  public void setServiceAnnotations(Map<String, String> serviceAnnotations) {
    this.serviceAnnotations = serviceAnnotations;
  }
}
