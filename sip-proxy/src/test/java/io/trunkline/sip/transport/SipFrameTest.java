package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipFrameTest {

  private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.5", 5060);

  @Test
  void sendsEveryMessageOfACallToTheSameWorker() {
    int request =
        hash("INVITE sip:x SIP/2.0\r\nVia: v\r\nCall-ID: abc@host\r\nCSeq: 1 INVITE\r\n\r\n");
    int compact = hash("SIP/2.0 200 OK\r\nv: v\r\ni:   abc@host \r\n\r\n");
    int lowerCase = hash("BYE sip:x SIP/2.0\r\ncall-id:abc@host\r\n\r\n");

    assertThat(compact).isEqualTo(request);
    assertThat(lowerCase).isEqualTo(request);
    assertThat(hash("INVITE sip:x SIP/2.0\r\nCall-ID: other@host\r\n\r\n")).isNotEqualTo(request);
  }

  @Test
  void hashesTheWireValueAsTheParsedCallIdIsHashed() {
    // Continuations of a call (relay answers, timers) find its worker by the parsed Call-ID.
    assertThat(hash("BYE sip:x SIP/2.0\r\nCall-ID: abc@host\r\n\r\n"))
        .isEqualTo(CallWorkers.hash("abc@host"));
  }

  @Test
  void fallsBackToTheSenderWithoutACallId() {
    assertThat(hash("garbage without headers")).isEqualTo(SENDER.hashCode());
    assertThat(hash("OPTIONS sip:x SIP/2.0\r\nInfo: i\r\n\r\n")).isEqualTo(SENDER.hashCode());
  }

  private static int hash(String message) {
    return new SipFrame(
            message.getBytes(StandardCharsets.US_ASCII), Transport.UDP, SENDER, null, null)
        .callIdHash();
  }
}
