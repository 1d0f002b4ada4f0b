package io.trunkline.sip.auth;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.sip.message.SipHeaders;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Response;

/** Answers a carrier's 401/407 challenge with the trunk's login (RFC 3261 §22.2, RFC 8760). */
public final class DigestClient {

  private static final SecureRandom RANDOM = new SecureRandom();

  private DigestClient() {}

  /**
   * The header answering a 401 (Authorization) or 407 (Proxy-Authorization) to {@code request};
   * empty when the response carries no challenge this proxy can answer.
   */
  public static Optional<Header> authorization(
      SIPResponse challenge, SIPRequest request, Login login) {
    boolean proxy = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
    Header offered =
        challenge.getHeader(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME);
    if (offered == null) {
      return Optional.empty();
    }
    return answer(
            SipHeaders.value(offered),
            request.getMethod(),
            request.getRequestURI().toString(),
            login)
        .map(
            value ->
                SipHeaders.of(
                    proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME, value));
  }

  /**
   * The Authorization (or Proxy-Authorization) value for {@code method} on {@code uri}; empty when
   * the challenge is not Digest or names an algorithm or qop this proxy does not speak.
   */
  public static Optional<String> answer(String challenge, String method, String uri, Login login) {
    Optional<DigestCredentials> parsed = DigestCredentials.parse(challenge);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    DigestCredentials params = parsed.get();
    Optional<DigestAlgorithm> algorithm = DigestAlgorithm.of(params.get("algorithm"));
    String realm = params.get("realm");
    String nonce = params.get("nonce");
    if (algorithm.isEmpty() || realm == null || nonce == null) {
      return Optional.empty();
    }
    String ha1 = algorithm.get().hash(login.username() + ":" + realm + ":" + login.password());
    String qopOffered = params.get("qop");
    boolean qopAuth = qopOffered != null && qopOffered.toLowerCase().contains("auth");
    if (qopOffered != null && !qopAuth) {
      return Optional.empty();
    }
    String cnonce = HexFormat.of().formatHex(RANDOM.generateSeed(8));
    String nc = "00000001";
    DigestCredentials answered =
        new DigestCredentials(
            qopAuth
                ? Map.of("uri", uri, "nonce", nonce, "qop", "auth", "nc", nc, "cnonce", cnonce)
                : Map.of("uri", uri, "nonce", nonce));
    String response = DigestVerifier.expectedResponse(algorithm.get(), ha1, method, answered);
    StringBuilder value =
        new StringBuilder("Digest username=\"")
            .append(login.username())
            .append("\", realm=\"")
            .append(realm)
            .append("\", nonce=\"")
            .append(nonce)
            .append("\", uri=\"")
            .append(uri)
            .append("\", response=\"")
            .append(response)
            .append("\", algorithm=")
            .append(algorithm.get().token());
    if (params.get("opaque") != null) {
      value.append(", opaque=\"").append(params.get("opaque")).append('"');
    }
    if (qopAuth) {
      value.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
    }
    return Optional.of(value.toString());
  }
}
