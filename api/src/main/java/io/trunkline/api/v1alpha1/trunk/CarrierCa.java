package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.trunkline.api.v1alpha1.Defaults;

/**
 * The CAs a trunk's proxies trust for TLS to its carriers beside the JDK's: a PEM bundle in a key
 * of a Secret, as cert-manager writes a CA's certificate into {@code ca.crt}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CarrierCa {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
  @JsonPropertyDescription("Name of a Secret in the trunk's namespace holding the bundle.")
  private String secretName;

  @Default(Defaults.CARRIER_CA_KEY)
  @Size(max = 253)
  // A key Kubernetes allows in a Secret's data: these characters, neither "." nor starting "..".
  @Pattern("^\\.?[-_a-zA-Z0-9][-._a-zA-Z0-9]*$")
  @JsonPropertyDescription(
      "Key of the Secret with one or more PEM certificates (BEGIN CERTIFICATE blocks).")
  private String key;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
