package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * The Redis server a trunk's proxies share their state in (channels and calls per second in use,
 * registrations, source bans), so that a pool of replicas keeps the trunk's quotas as one proxy
 * would.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Store {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription(
      "Name of a Secret in the trunk's namespace with the key address (host:port of the Redis"
          + " server) and, optionally, password and tls (\"true\" to reach it over TLS).")
  private String secretName;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }
}
