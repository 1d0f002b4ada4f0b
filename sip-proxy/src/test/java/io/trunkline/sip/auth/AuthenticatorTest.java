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
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.RejectReason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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

  private String challenge() {
    return check(invite(null), true)
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
    return authenticator.check(request, PHONE, OfficeTrunk.REALM, BEN, proxy);
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
