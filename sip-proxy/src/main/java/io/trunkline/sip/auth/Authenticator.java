package io.trunkline.sip.auth;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Response;

/**
 * Digest authentication of lines and the PBX (RFC 3261 §22): a challenge when a request carries no
 * credentials (or its nonce went stale), 403 when they are wrong, and a ban on a source that keeps
 * guessing. Proxy-Authenticate (407) for requests a proxy challenges, WWW-Authenticate (401) for
 * REGISTER, where the proxy is the registrar (§22.3).
 */
public final class Authenticator {

  private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());

  private final NonceFactory nonces;
  private final SourceBans bans;
  private final ProxyMetrics metrics;

  public Authenticator(NonceFactory nonces, SourceBans bans, ProxyMetrics metrics) {
    this.nonces = nonces;
    this.bans = bans;
    this.metrics = metrics;
  }

  /** Whether new calls and registrations from {@code source} are refused unheard. */
  public boolean banned(InetAddress source) {
    return bans.banned(source);
  }

  /** Housekeeping: forgets sources that stopped failing. */
  public void forgetQuiet() {
    bans.forgetQuiet();
  }

  /**
   * Checks the request's credentials against {@code secret}.
   *
   * @param algorithms the digest algorithms to challenge with and accept, most preferred first
   * @param proxy whether the proxy challenges as a proxy (407) rather than as a registrar (401)
   * @return empty when the credentials are right, else the challenge or refusal to answer with
   */
  public Optional<SIPResponse> check(
      SIPRequest request,
      InetAddress source,
      String realm,
      DigestSecret secret,
      List<DigestAlgorithm> algorithms,
      boolean proxy) {
    DigestVerifier verifier = new DigestVerifier(realm, nonces, algorithms);
    Header header =
        request.getHeader(proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
    Optional<DigestCredentials> credentials =
        header == null ? Optional.empty() : DigestCredentials.parse(SipHeaders.value(header));
    if (credentials.isEmpty()) {
      return Optional.of(challenge(request, verifier, proxy, false));
    }
    switch (verifier.verify(request.getMethod(), credentials.get(), secret)) {
      case OK:
        return Optional.empty();
      case STALE:
        return Optional.of(challenge(request, verifier, proxy, true));
      default:
        if (bans.failed(source)) {
          LOG.log(
              System.Logger.Level.WARNING,
              "{0} banned after repeated wrong credentials (last as {1})",
              source.getHostAddress(),
              credentials.get().get("username"));
        }
        metrics.reject(RejectReason.AUTH);
        metrics.response(Response.FORBIDDEN);
        return Optional.of(Responses.of(request, Response.FORBIDDEN, "Wrong Credentials"));
    }
  }

  private static SIPResponse challenge(
      SIPRequest request, DigestVerifier verifier, boolean proxy, boolean stale) {
    SIPResponse challenge =
        Responses.of(
            request, proxy ? Response.PROXY_AUTHENTICATION_REQUIRED : Response.UNAUTHORIZED, null);
    for (String value : verifier.challenges(stale)) {
      challenge.addHeader(
          SipHeaders.of(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME, value));
    }
    return challenge;
  }
}
