package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.header.Via;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.testing.time.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The seal a member puts on its Via when it hands a request over, and what breaks it. */
class HandOverSealTest {

  private static final String CALL = "a84b4c76e66710@pbx.example.com";

  private final TestClock clock = new TestClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final HandOverSeal seal = new HandOverSeal(new byte[32], clock);

  @Test
  void aSealHoldsForItsViaTheViaBelowAndTheCallOnly() throws Exception {
    Via own = via("10.244.0.9", "z9hG4bKtl1");
    Via below = via("10.1.2.3", "z9hG4bK-74bf9");
    below.setReceived("192.0.2.7");
    below.setParameter("rport", "40000");
    seal.seal(own, below, CALL);

    assertThat(own.getParameter(HandOverSeal.PARAMETER)).matches("\\d+\\.[0-9a-f]{32}");
    assertThat(seal.sealed(own, below, CALL)).isTrue();
    assertThat(seal.sealed(own, below, "another-call")).as("another call").isFalse();
    assertThat(seal.sealed(own, null, CALL)).as("no Via below").isFalse();

    Via otherOrigin = via("10.1.2.3", "z9hG4bK-74bf9");
    otherOrigin.setReceived("192.0.2.8");
    otherOrigin.setParameter("rport", "40000");
    assertThat(seal.sealed(own, otherOrigin, CALL)).as("another caller's address").isFalse();

    Via otherSender = via("10.244.0.10", "z9hG4bKtl1");
    otherSender.setParameter(HandOverSeal.PARAMETER, own.getParameter(HandOverSeal.PARAMETER));
    assertThat(seal.sealed(otherSender, below, CALL)).as("copied to another member").isFalse();

    byte[] otherKey = new byte[32];
    otherKey[31] = 7;
    assertThat(new HandOverSeal(otherKey, clock).sealed(own, below, CALL))
        .as("another pool")
        .isFalse();
  }

  @Test
  void aSealHoldsForTwoMinutesEitherSideOfTheClock() throws Exception {
    Via own = via("10.244.0.9", "z9hG4bKtl1");
    Via below = via("10.1.2.3", "z9hG4bK-74bf9");
    seal.seal(own, below, CALL);

    clock.advance(Duration.ofSeconds(HandOverSeal.WINDOW_SECONDS));
    assertThat(seal.sealed(own, below, CALL)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(seal.sealed(own, below, CALL)).as("too old").isFalse();

    TestClock behind = new TestClock(Instant.parse("2026-12-03T09:57:59Z"));
    assertThat(new HandOverSeal(new byte[32], behind).sealed(own, below, CALL))
        .as("from too far ahead")
        .isFalse();
  }

  @Test
  void aMalformedSealIsNoSealAndNoError() throws Exception {
    Via below = via("10.1.2.3", "z9hG4bK-74bf9");
    for (String value :
        new String[] {"", "1796300000", ".00", "x.00000000000000000000000000000000", "1.zz"}) {
      Via own = via("10.244.0.9", "z9hG4bKtl1");
      own.setParameter(HandOverSeal.PARAMETER, value);
      assertThat(seal.sealed(own, below, CALL)).as(value).isFalse();
    }
    assertThat(seal.sealed(via("10.244.0.9", "z9hG4bKtl1"), below, CALL)).as("none").isFalse();
  }

  private static Via via(String host, String branch) throws Exception {
    return (Via) SipHeaders.FACTORY.createViaHeader(host, 5060, "UDP", branch);
  }
}
