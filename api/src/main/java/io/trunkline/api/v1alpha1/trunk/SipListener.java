package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.DigestAlgorithm;
import java.util.List;

/**
 * Where a trunk's proxies take SIP from PBXs, phones and carriers, and how they challenge the
 * phones and the PBX.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!self.transports.exists(t, t == 'TLS') || has(self.tlsSecret)",
    message = "tlsSecret is required when transports include TLS")
@ValidationRule(value = "self.port != self.tlsPort", message = "port and tlsPort must differ")
@ValidationRule(
    value =
        "!has(self.exposure) || self.exposure.type != 'NodePort'"
            + " || !self.transports.exists(t, t == 'TLS') || has(self.exposure.tlsNodePort)",
    message = "exposure.tlsNodePort is required when a NodePort trunk takes TLS")
public class SipListener {

  @Default("" + Defaults.SIP_PORT)
  @Min(1)
  @Max(65535)
  @ValidationRule(
      value = "self == oldSelf",
      message = "port is immutable: phones and carriers keep sending to the old one")
  @JsonPropertyDescription("Port for SIP over UDP and TCP (RFC 3261 §18: the same port for both).")
  private Integer port;

  @Default("" + Defaults.SIPS_PORT)
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port for SIP over TLS (SIPS).")
  private Integer tlsPort;

  @Default("[\"UDP\",\"TCP\"]")
  @Size(min = 1, max = 3)
  @ValidationRule(
      value = "self.all(t, self.exists_one(u, u == t))",
      message = "each transport may be listed once")
  @JsonPropertyDescription("Transports the proxies listen on.")
  private List<SipTransport> transports;

  @Size(max = 253)
  @JsonPropertyDescription(
      "Name of a kubernetes.io/tls Secret holding the certificate and key for TLS.")
  private String tlsSecret;

  @Size(max = 253)
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$")
  @JsonPropertyDescription(
      "Host name or address peers reach the trunk at, written into Via, Record-Route and"
          + " Contact. Defaults by exposure: the Service's cluster DNS name (ClusterIP), the"
          + " proxy's node address (NodePort, HostNetwork), the load balancer's address"
          + " (LoadBalancer).")
  private String advertisedAddress;

  @JsonPropertyDescription("How peers outside the cluster reach the proxies.")
  private Exposure exposure;

  @Default("[\"MD5\"]")
  @Size(min = 1, max = 2)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b == a))",
      message = "each digest algorithm may be listed once")
  @JsonPropertyDescription(
      "Digest algorithms the proxies challenge lines and the PBX with, most preferred first: one"
          + " challenge each (RFC 8760 §2.4). MD5 alone, the default, is what every common phone"
          + " answers; older phones refuse a 401 that carries any challenge in an algorithm they do"
          + " not know, even beside an MD5 one, so offer SHA-256 only where every phone supports"
          + " it. A SipLine may set its own.")
  private List<DigestAlgorithm> digestAlgorithms;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getTlsPort() {
    return tlsPort;
  }

  public void setTlsPort(Integer tlsPort) {
    this.tlsPort = tlsPort;
  }

  public List<SipTransport> getTransports() {
    return transports;
  }

  public void setTransports(List<SipTransport> transports) {
    this.transports = transports;
  }

  public String getTlsSecret() {
    return tlsSecret;
  }

  public void setTlsSecret(String tlsSecret) {
    this.tlsSecret = tlsSecret;
  }

  public String getAdvertisedAddress() {
    return advertisedAddress;
  }

  public void setAdvertisedAddress(String advertisedAddress) {
    this.advertisedAddress = advertisedAddress;
  }

  public List<DigestAlgorithm> getDigestAlgorithms() {
    return digestAlgorithms;
  }

  public void setDigestAlgorithms(List<DigestAlgorithm> digestAlgorithms) {
    this.digestAlgorithms = digestAlgorithms;
  }

  public Exposure getExposure() {
    return exposure;
  }

  public void setExposure(Exposure exposure) {
    this.exposure = exposure;
  }
}
