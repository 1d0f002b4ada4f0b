package io.trunkline.sip.auth;

import io.trunkline.api.config.Digest;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The digest algorithms SIP uses: MD5 (RFC 3261 §22.4) and SHA-256 (RFC 8760). */
public enum DigestAlgorithm {
  SHA_256("SHA-256", Digest::sha256Hex),
  MD5("MD5", Digest::md5Hex);

  private final String token;
  private final UnaryOperator<String> hex;

  DigestAlgorithm(String token, UnaryOperator<String> hex) {
    this.token = token;
    this.hex = hex;
  }

  /** The name in the algorithm parameter of challenges and credentials. */
  public String token() {
    return token;
  }

  String hash(String text) {
    return hex.apply(text);
  }

  /** The HA1 stored for this algorithm. */
  String ha1(DigestSecret secret) {
    return this == MD5 ? secret.ha1Md5() : secret.ha1Sha256();
  }

  /**
   * The algorithms a snapshot names (its tokens, most preferred first), in that order; MD5 when it
   * names none this proxy knows, so that a phone can always register (decision 0010).
   */
  public static List<DigestAlgorithm> offered(List<String> tokens) {
    List<DigestAlgorithm> offered =
        tokens.stream().map(DigestAlgorithm::named).flatMap(Optional::stream).distinct().toList();
    return offered.isEmpty() ? List.of(MD5) : offered;
  }

  private static Optional<DigestAlgorithm> named(String token) {
    return token == null ? Optional.empty() : of(token);
  }

  /** RFC 2617 §3.2.1: no algorithm parameter means MD5. */
  static Optional<DigestAlgorithm> of(String token) {
    if (token == null) {
      return Optional.of(MD5);
    }
    for (DigestAlgorithm algorithm : values()) {
      if (algorithm.token.equals(token.toUpperCase(Locale.ROOT))) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }
}
