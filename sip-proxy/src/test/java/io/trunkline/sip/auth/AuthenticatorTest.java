package io.trunkline.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.sip.OfficeTrunk;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.header.Header;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

  private static final InetAddress PHONE = InetAddress.getLoopbackAddress();
  private static final DigestSecret BEN =
      OfficeTrunk.snapshot(4, 0).credentials().lines().get("ben");

  private final ProxyMetrics metrics = new ProxyMetrics(new SimpleMeterRegistry(), "office");
  private final Authenticator authenticator =
      new Authenticator(
          NonceFactory.random(Clock.systemUTC(), Duration.ofMinutes(5)),
          new InMemorySourceBans(SourceBans.Policy.DEFAULT, Clock.systemUTC()),
          metrics);

  @Test
  void challengesARequestWithoutCredentialsAsAProxyOrAsTheRegistrar() {
    SIPResponse asProxy = check(invite(null), true).orElseThrow();
    SIPResponse asRegistrar = check(invite(null), false).orElseThrow();

    assertThat(asProxy.getStatusCode()).isEqualTo(407);
    assertThat(asProxy.getHeader("Proxy-Authenticate").toString()).contains("realm=\"office\"");
    assertThat(asRegistrar.getStatusCode()).isEqualTo(401);
    assertThat(asRegistrar.getHeader("WWW-Authenticate")).isNotNull();
    assertThat(metrics.rejected(RejectReason.AUTH)).isZero();
  }

  /**
   * Decision 0010: by default one MD5 challenge, which every common phone answers; a trunk that
   * lists SHA-256 first gets a challenge per algorithm in its order (RFC 8760 §2.4).
   */
  @Test
  void challengesWithTheAlgorithmsGivenInTheirOrder() {
    SIPResponse byDefault = check(invite(null), false).orElseThrow();
    SIPResponse both =
        check(invite(null), List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), false)
            .orElseThrow();

    assertThat(algorithms(byDefault, "WWW-Authenticate")).containsExactly("MD5");
    assertThat(algorithms(both, "WWW-Authenticate")).containsExactly("SHA-256", "MD5");
  }

  @Test
  void aTrunkOfferingSha256AloneRefusesAnMd5Answer() {
    List<DigestAlgorithm> sha256 = List.of(DigestAlgorithm.SHA_256);
    String challenge = challenge(sha256);
    String md5Challenge = challenge.replace("algorithm=SHA-256", "algorithm=MD5");

    assertThat(challenge).contains("algorithm=SHA-256");
    assertThat(check(invite(answer(md5Challenge, "ben-secret")), sha256, true))
        .hasValueSatisfying(refused -> assertThat(refused.getStatusCode()).isEqualTo(403));
    assertThat(check(invite(answer(challenge, "ben-secret")), sha256, true)).isEmpty();
  }

  @Test
  void admitsTheRightPasswordAndRefusesAWrongOneCounted() {
    String challenge = challenge();

    assertThat(check(invite(answer(challenge, "ben-secret")), true)).isEmpty();
    SIPResponse wrong = check(invite(answer(challenge, "guess")), true).orElseThrow();

    assertThat(wrong.getStatusCode()).isEqualTo(403);
    assertThat(wrong.getReasonPhrase()).isEqualTo("Wrong Credentials");
    assertThat(metrics.rejected(RejectReason.AUTH)).isEqualTo(1);
  }

  @Test
  void bansASourceThatKeepsGuessing() {
    String challenge = challenge();
    for (int i = 0; i < 5; i++) {
      assertThat(authenticator.banned(PHONE)).isFalse();
      check(invite(answer(challenge, "guess-" + i)), true);
    }

    assertThat(authenticator.banned(PHONE)).isTrue();
  }

  private static List<String> algorithms(SIPResponse challenge, String header) {
    List<String> algorithms = new ArrayList<>();
    challenge
        .getHeaders(header)
        .forEachRemaining(
            h ->
                algorithms.add(
                    SipHeaders.value((Header) h).replaceAll(".*algorithm=([A-Z0-9-]+).*", "$1")));
    return algorithms;
  }

  private String challenge() {
    return challenge(List.of(DigestAlgorithm.MD5));
  }

  private String challenge(List<DigestAlgorithm> algorithms) {
    return check(invite(null), algorithms, true)
        .orElseThrow()
        .getHeader("Proxy-Authenticate")
        .toString()
        .substring("Proxy-Authenticate: ".length())
        .trim();
  }

  private static String answer(String challenge, String password) {
    return DigestClient.answer(
            challenge, "INVITE", "sip:+4930123456@127.0.0.1:5060", new Login("ben", password))
        .orElseThrow();
  }

  private Optional<SIPResponse> check(SIPRequest request, boolean proxy) {
    return check(request, List.of(DigestAlgorithm.MD5), proxy);
  }

  private Optional<SIPResponse> check(
      SIPRequest request, List<DigestAlgorithm> algorithms, boolean proxy) {
    return authenticator.check(request, PHONE, OfficeTrunk.REALM, BEN, algorithms, proxy);
  }

  private static SIPRequest invite(String authorization) {
    String text =
        authorization == null
            ? SampleMessages.INVITE
            : SampleMessages.INVITE.replace(
                "Content-Length: 0",
                "Proxy-Authorization: " + authorization + "\r\nContent-Length: 0");
    ParseResult parsed = new SipParser().parse(text.getBytes(StandardCharsets.UTF_8));
    return (SIPRequest) ((ParseResult.Parsed) parsed).message();
  }
}
