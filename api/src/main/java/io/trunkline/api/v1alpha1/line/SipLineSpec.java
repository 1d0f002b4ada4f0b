package io.trunkline.api.v1alpha1.line;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.DigestAlgorithm;
import java.util.List;

/** Who a line is and which trunk serves it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SipLineSpec {

  @Required
  @Size(max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the SipTrunk, in the same namespace, whose pool serves the line.")
  private String trunk;

  @Required
  @Pattern("^\\+[1-9][0-9]{1,14}$")
  @JsonPropertyDescription(
      "The line's number in E.164 form (ITU-T E.164: + and up to 15 digits); calls to it ring"
          + " the line's registered devices.")
  private String number;

  @Required
  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9._~+-]+$")
  @JsonPropertyDescription("User name the device registers and authenticates with.")
  private String username;

  @Required
  @Size(max = 253)
  @JsonPropertyDescription(
      "Name of a Secret, in the same namespace, whose key password holds the line's digest"
          + " password (RFC 3261 §22).")
  private String credentialsSecret;

  @Default("" + Defaults.LINE_CHANNELS)
  @Min(1)
  @Max(8)
  @JsonPropertyDescription(
      "Concurrent calls the line may hold; one more is refused with 486 Busy Here.")
  private Integer channels;

  @Size(max = 64)
  @JsonPropertyDescription("Name shown to called parties (From display name).")
  private String displayName;

  @Size(min = 1, max = 2)
  @ValidationRule(
      value = "self.all(a, self.exists_one(b, b == a))",
      message = "each digest algorithm may be listed once")
  @JsonPropertyDescription(
      "Digest algorithms the line's devices are challenged with, most preferred first. Unset: the"
          + " trunk's spec.sip.digestAlgorithms. For a line whose phone needs other algorithms"
          + " than the rest of the trunk's.")
  private List<DigestAlgorithm> digestAlgorithms;

  public String getTrunk() {
    return trunk;
  }

  public void setTrunk(String trunk) {
    this.trunk = trunk;
  }

  public String getNumber() {
    return number;
  }

  public void setNumber(String number) {
    this.number = number;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(String credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }

  public Integer getChannels() {
    return channels;
  }

  public void setChannels(Integer channels) {
    this.channels = channels;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public List<DigestAlgorithm> getDigestAlgorithms() {
    return digestAlgorithms;
  }

  public void setDigestAlgorithms(List<DigestAlgorithm> digestAlgorithms) {
    this.digestAlgorithms = digestAlgorithms;
  }
}
