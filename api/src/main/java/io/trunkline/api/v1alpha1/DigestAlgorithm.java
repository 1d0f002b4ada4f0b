package io.trunkline.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Digest algorithms a trunk's proxies may challenge lines and the PBX with: MD5 (RFC 3261 §22.4),
 * which every SIP phone answers, and SHA-256 (RFC 8760), which newer ones do.
 */
public enum DigestAlgorithm {
  @JsonProperty("MD5")
  MD5("MD5"),
  @JsonProperty("SHA-256")
  SHA_256("SHA-256");

  private final String token;

  DigestAlgorithm(String token) {
    this.token = token;
  }

  /** The name in resources and in the algorithm parameter of a challenge (RFC 8760 §2.1). */
  public String token() {
    return token;
  }
}
