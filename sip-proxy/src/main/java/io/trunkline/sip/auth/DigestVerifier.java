package io.trunkline.sip.auth;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Challenges and checks SIP digest authentication (RFC 3261 §22.4 with RFC 8760's SHA-256) against
 * the HA1 values of a line or PBX, never a password.
 */
public final class DigestVerifier {

  private final String realm;
  private final NonceFactory nonces;
  private final List<DigestAlgorithm> offered;

  /**
   * @param offered the algorithms to challenge with, most preferred first (the trunk's or the
   *     line's setting); credentials in any other are wrong
   */
  public DigestVerifier(String realm, NonceFactory nonces, List<DigestAlgorithm> offered) {
    if (offered.isEmpty()) {
      throw new IllegalArgumentException("a challenge offers at least one algorithm");
    }
    this.realm = realm;
    this.nonces = nonces;
    this.offered = List.copyOf(offered);
  }

  /**
   * WWW-Authenticate (or Proxy-Authenticate) values to send, one per offered algorithm in the order
   * given, with one nonce. RFC 8760 §2.4 has the client take the topmost algorithm it supports, so
   * the order is the server's preference; but older phones give up on a 401 with any challenge they
   * cannot answer (baresip 1.0, even beside an MD5 one) or on a first one (sipp), hence MD5 alone
   * by default (decision 0010).
   */
  public List<String> challenges(boolean stale) {
    String nonce = nonces.issue(realm);
    return offered.stream().map(algorithm -> challenge(algorithm, nonce, stale)).toList();
  }

  /** Checks credentials for a request with {@code method}; {@code secret} is the claimed user's. */
  public Verdict verify(String method, DigestCredentials credentials, DigestSecret secret) {
    if (secret == null || !secret.username().equals(credentials.get("username"))) {
      return Verdict.WRONG;
    }
    if (!realm.equals(credentials.get("realm"))) {
      return Verdict.WRONG;
    }
    String nonce = credentials.get("nonce");
    String uri = credentials.get("uri");
    String response = credentials.get("response");
    var algorithm = DigestAlgorithm.of(credentials.get("algorithm"));
    // An algorithm the trunk does not offer is refused even with the right HA1: a trunk set to
    // SHA-256 must not be answerable in MD5 by whoever strips its challenge (RFC 8760 §3).
    if (nonce == null
        || uri == null
        || response == null
        || algorithm.isEmpty()
        || !offered.contains(algorithm.get())) {
      return Verdict.WRONG;
    }
    // A line's shard carries no HA1 in an algorithm its phones may not answer in
    // (DigestSecret#in): never a response computed from a missing one, which anybody could.
    String ha1 = algorithm.get().ha1(secret);
    if (ha1 == null) {
      return Verdict.WRONG;
    }
    String expected = expectedResponse(algorithm.get(), ha1, method, credentials);
    if (expected == null
        || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            response.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.WRONG;
    }
    return switch (nonces.check(nonce, realm)) {
      case FRESH -> Verdict.OK;
      case STALE -> Verdict.STALE;
      case FORGED -> Verdict.WRONG;
    };
  }

  /** RFC 2617 §3.2.2.1 request-digest, with qop=auth or without qop (RFC 2069 compatible). */
  static String expectedResponse(
      DigestAlgorithm algorithm, String ha1, String method, DigestCredentials credentials) {
    String ha2 = algorithm.hash(method + ":" + credentials.get("uri"));
    String qop = credentials.get("qop");
    String nonce = credentials.get("nonce");
    if (qop == null) {
      return algorithm.hash(ha1 + ":" + nonce + ":" + ha2);
    }
    if (!"auth".equalsIgnoreCase(qop)
        || credentials.get("nc") == null
        || credentials.get("cnonce") == null) {
      return null;
    }
    return algorithm.hash(
        ha1
            + ":"
            + nonce
            + ":"
            + credentials.get("nc")
            + ":"
            + credentials.get("cnonce")
            + ":auth:"
            + ha2);
  }

  private String challenge(DigestAlgorithm algorithm, String nonce, boolean stale) {
    return "Digest realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", algorithm="
        + algorithm.token()
        + ", qop=\"auth\""
        + (stale ? ", stale=true" : "");
  }

  /**
   * What credentials came to: accepted, right but on an expired nonce, or wrong (403 after 401).
   */
  public enum Verdict {
    OK,
    STALE,
    WRONG
  }
}
