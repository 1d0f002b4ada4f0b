package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.trunkline.api.v1alpha1.Defaults;

/** An upstream carrier (ITSP) a trunk sends calls to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Carrier {

  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the carrier within the trunk, referenced by RoutePolicies; a DNS label.")
  private String name;

  @Required
  @Size(max = 253)
  // RFC 3261 §25.1 host: an IPv6 literal goes in brackets (IPv6reference), which is also what
  // keeps its colons apart from the port's; a host name or IPv4 literal has none.
  @Pattern(
      "^(\\[[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?)"
          + "(:[0-9]{1,5})?$")
  @JsonPropertyDescription(
      "Where the carrier takes SIP: a host name, an IPv4 address or an IPv6 address in"
          + " brackets, with an optional port (default 5060, or 5061 for TLS); for example"
          + " sip.carrier.example, 192.0.2.10:5060 or [2001:db8::10]:5060.")
  private String address;

  @Default("UDP")
  @JsonPropertyDescription("Transport towards the carrier.")
  private SipTransport transport;

  @Default("" + Defaults.PRIORITY)
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Failover order of the trunk's carriers while no RoutePolicy names the trunk, lowest"
          + " first as in DNS SRV (RFC 2782): calls go to the lowest priority whose carriers are"
          + " up; a higher value is tried when those fail.")
  private Integer priority;

  @Default("" + Defaults.WEIGHT)
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Share of calls among carriers of the same priority, while no RoutePolicy names the"
          + " trunk: each call tries first one drawn in proportion to weight (0 takes calls only"
          + " on failover).")
  private Integer weight;

  @Size(max = 253)
  @JsonPropertyDescription(
      "Name of a Secret with keys username and password the trunk answers this carrier's"
          + " 401/407 challenges with.")
  private String credentialsSecret;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public SipTransport getTransport() {
    return transport;
  }

  public void setTransport(SipTransport transport) {
    this.transport = transport;
  }

  public Integer getPriority() {
    return priority;
  }

  public void setPriority(Integer priority) {
    this.priority = priority;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
