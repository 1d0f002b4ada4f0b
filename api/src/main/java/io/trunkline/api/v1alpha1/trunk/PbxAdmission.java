package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** How a trunk recognises the PBX whose calls it carries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.sources) || has(self.credentialsSecret)",
    message = "admit the PBX by sources, by credentialsSecret, or both")
public class PbxAdmission {

  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Source networks the PBX sends from (CIDR allow-list, e.g. 192.0.2.10/32).")
  private List<String> sources;

  @Size(max = 253)
  @JsonPropertyDescription(
      "Name of a Secret with keys username and password the PBX authenticates with (digest,"
          + " RFC 3261 §22).")
  private String credentialsSecret;

  public List<String> getSources() {
    return sources;
  }

  public void setSources(List<String> sources) {
    this.sources = sources;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
