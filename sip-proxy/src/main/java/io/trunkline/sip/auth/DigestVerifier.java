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

  public DigestVerifier(String realm, NonceFactory nonces) {
    this.realm = realm;
    this.nonces = nonces;
  }

  /**
   * WWW-Authenticate (or Proxy-Authenticate) values to send, MD5 first. RFC 8760 §2.4 has the
   * client take the topmost algorithm it supports, so the order is the server's preference; MD5
   * leads because most deployed phones (and sipp) stop at a first challenge they cannot answer
   * (docs/decisions/0010). Clients that prefer SHA-256 find it second.
   */
  public List<String> challenges(boolean stale) {
    String nonce = nonces.issue(realm);
    return List.of(
        challenge(DigestAlgorithm.MD5, nonce, stale),
        challenge(DigestAlgorithm.SHA_256, nonce, stale));
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
    if (nonce == null || uri == null || response == null || algorithm.isEmpty()) {
      return Verdict.WRONG;
    }
    String expected =
        expectedResponse(algorithm.get(), algorithm.get().ha1(secret), method, credentials);
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
