package io.trunkline.relay.control;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.relay.control.ControlSigner.Refusal;
import io.trunkline.relay.control.ControlSigner.Verification;
import io.trunkline.testing.time.TestClock;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ControlSignerTest {

  private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f".repeat(2);

  private static final byte[] PING = "{\"cookie\":\"c1\",\"op\":\"ping\"}".getBytes(UTF_8);

  private final TestClock clock = new TestClock(Instant.ofEpochSecond(1_764_700_000L));
  private final ControlSigner signer = new ControlSigner(ControlKey.parse(KEY_HEX), clock);

  @Test
  void theWireFormatIsASignatureLineBeforeTheJson() throws Exception {
    String datagram = new String(signer.signRequest(PING), UTF_8);

    // The MAC as openssl computes it, so that an operator can sign a request by hand (0009).
    String mac = hmac("request 1764700000\n" + new String(PING, UTF_8));
    assertThat(datagram)
        .isEqualTo("t=1764700000 mac=" + mac + "\n{\"cookie\":\"c1\",\"op\":\"ping\"}");
    assertThat(new String(signer.signReply(PING), UTF_8))
        .startsWith("t=1764700000 mac=" + hmac("reply 1764700000\n" + new String(PING, UTF_8)));
  }

  @Test
  void aSignedDatagramIsAuthenticAndPointsAtItsJson() {
    byte[] datagram = signer.signRequest(PING);

    Verification verification = signer.verifyRequest(datagram, 0, datagram.length);

    assertThat(verification).isInstanceOf(Verification.Authentic.class);
    Verification.Authentic json = (Verification.Authentic) verification;
    assertThat(new String(datagram, json.offset(), json.length(), UTF_8))
        .isEqualTo(new String(PING, UTF_8));
    assertThat(json.mac()).hasSize(64).isEqualTo(new String(datagram, 17, 64, UTF_8));
  }

  @Test
  void aDatagramWithinABufferIsReadWhereItLies() {
    byte[] datagram = signer.signReply(PING);
    byte[] buffer = new byte[datagram.length + 10];
    System.arraycopy(datagram, 0, buffer, 4, datagram.length);

    assertThat(signer.verifyReply(buffer, 4, datagram.length))
        .isInstanceOfSatisfying(
            Verification.Authentic.class,
            json -> assertThat(json.offset()).isEqualTo(4 + datagram.length - PING.length));
  }

  @Test
  void everyChangedByteIsRefused() {
    byte[] datagram = signer.signRequest(PING);

    for (int i = 0; i < datagram.length; i++) {
      byte[] tampered = datagram.clone();
      tampered[i] ^= 0x01;
      assertThat(signer.verifyRequest(tampered, 0, tampered.length))
          .as("byte %d changed", i)
          .isInstanceOf(Verification.Refused.class);
    }
  }

  @Test
  void anotherKeysSignatureIsUnauthenticated() {
    byte[] datagram = new ControlSigner(ControlKey.random(), clock).signRequest(PING);

    assertRefused(signer.verifyRequest(datagram, 0, datagram.length), Refusal.UNAUTHENTICATED);
  }

  @Test
  void aRequestDoesNotPassAsAReplyNorAReplyAsARequest() {
    byte[] request = signer.signRequest(PING);
    byte[] reply = signer.signReply(PING);

    assertRefused(signer.verifyReply(request, 0, request.length), Refusal.UNAUTHENTICATED);
    assertRefused(signer.verifyRequest(reply, 0, reply.length), Refusal.UNAUTHENTICATED);
  }

  @Test
  void aDatagramIsFreshFifteenSecondsEitherWay() {
    byte[] datagram = signer.signRequest(PING);

    clock.advance(ControlSigner.FRESHNESS);
    assertThat(signer.verifyRequest(datagram, 0, datagram.length))
        .isInstanceOf(Verification.Authentic.class);
    clock.advance(Duration.ofSeconds(1));
    assertRefused(signer.verifyRequest(datagram, 0, datagram.length), Refusal.STALE);
  }

  @Test
  void aDatagramFromTheFutureIsStale() {
    TestClock ahead = new TestClock(clock.instant().plus(Duration.ofSeconds(16)));
    byte[] datagram = new ControlSigner(ControlKey.parse(KEY_HEX), ahead).signRequest(PING);

    assertRefused(signer.verifyRequest(datagram, 0, datagram.length), Refusal.STALE);
  }

  @Test
  void aDatagramWithoutASignatureLineIsUnauthenticated() {
    for (String datagram :
        List.of(
            "",
            new String(PING, UTF_8),
            "t=",
            "t=1764700000",
            "t= mac=" + "0".repeat(64) + "\n{}",
            "t=1764700000 mac=" + "0".repeat(63) + "\n{}",
            "t=1764700000 mac=" + "0".repeat(64) + "{}",
            "t=1764700000  mac=" + "0".repeat(64) + "\n{}",
            "t=1234567890123 mac=" + "0".repeat(64) + "\n{}")) {
      byte[] bytes = datagram.getBytes(UTF_8);
      assertRefused(signer.verifyRequest(bytes, 0, bytes.length), Refusal.UNAUTHENTICATED);
    }
  }

  @Test
  void keysAreSixtyFourHexDigits() {
    assertThat(ControlKey.parse(" " + KEY_HEX.toUpperCase() + "\n").toString())
        .doesNotContain("0a0b")
        .isEqualTo("ControlKey[32 bytes]");
    assertThatThrownBy(() -> ControlKey.parse(KEY_HEX + "00"))
        .hasMessage("a control key is 64 hex digits, not 66");
    assertThatThrownBy(() -> ControlKey.parse(KEY_HEX.replace('a', 'x')))
        .hasMessage("a control key is hex digits only");
  }

  private static void assertRefused(Verification verification, Refusal refusal) {
    assertThat(verification)
        .isInstanceOfSatisfying(
            Verification.Refused.class,
            refused -> assertThat(refused.refusal()).isEqualTo(refusal));
  }

  /** HMAC-SHA256 in hex, computed here apart from the signer. */
  private static String hmac(String input) throws NoSuchAlgorithmException, InvalidKeyException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(KEY_HEX), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(input.getBytes(UTF_8)));
  }
}
