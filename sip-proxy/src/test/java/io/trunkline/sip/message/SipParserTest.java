package io.trunkline.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.SampleMessages;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipParserTest {

  private final SipParser parser = new SipParser(4096, 20);

  @Test
  void parsesARequestIntoJainSipsModel() {
    ParseResult result = parser.parse(bytes(SampleMessages.INVITE));

    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    SIPRequest request = (SIPRequest) ((ParseResult.Parsed) result).message();
    assertThat(request.getMethod()).isEqualTo("INVITE");
    assertThat(request.getCallId().getCallId()).isEqualTo("3848276298220188511@127.0.0.2");
    assertThat(request.getTopmostVia().getBranch()).isEqualTo("z9hG4bK-74bf9");
  }

  /**
   * Concurrent parsing drifts JAIN-SIP's static nesting level, and each address header's parse then
   * builds two strings that long; at a million, an INVITE's From, To and Contact would allocate
   * megabytes.
   */
  @Test
  void parsesAtItsUsualCostWhereverTheParsersSharedDepthHasDrifted() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    VarHandle level = SipParser.nestingLevel();
    // The parser's classes load, and their tables fill, at the first parse: not counted.
    parser.parse(bytes(SampleMessages.INVITE));
    try {
      level.set(1_000_000);
      long before = threads.getThreadAllocatedBytes(thread);

      ParseResult result = parser.parse(bytes(SampleMessages.INVITE));

      long allocated = threads.getThreadAllocatedBytes(thread) - before;
      assertThat(result).isInstanceOf(ParseResult.Parsed.class);
      assertThat(allocated).isLessThan(256 * 1024);
    } finally {
      level.set(0);
    }
  }

  @Test
  void answersABrokenRequestWith400CopyingItsAddressingHeaders() {
    ParseResult result =
        parser.parse(bytes(SampleMessages.INVITE.replace("CSeq: 1 INVITE", "CSeq: one INVITE")));

    String reply = badRequest(result);
    assertThat(reply)
        .startsWith("SIP/2.0 400 Bad Request\r\n")
        .contains("Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-74bf9\r\n")
        .contains("From: <sip:alice@127.0.0.2>;tag=9fxced76sl\r\n")
        .contains("Call-ID: 3848276298220188511@127.0.0.2\r\n")
        .contains("CSeq: one INVITE\r\n")
        .contains("Warning: 399 trunkline \"")
        .endsWith("Content-Length: 0\r\n\r\n");
  }

  @Test
  void answersARequestWithoutCSeqWhenItCanStillBeAddressed() {
    ParseResult result =
        parser.parse(bytes(SampleMessages.INVITE.replace("CSeq: 1 INVITE\r\n", "")));

    assertThat(result).isInstanceOf(ParseResult.Malformed.class);
    assertThat(((ParseResult.Malformed) result).reason()).isEqualTo("missing CSeq");
    // Without a CSeq there is nothing to copy into the 400: it cannot be matched, so drop.
    assertThat(((ParseResult.Malformed) result).badRequest()).isEmpty();
  }

  @Test
  void dropsGarbageBrokenAcksAndResponsesSilently() {
    assertThat(silentDrop(parser.parse(bytes("\u0000\u00ff\u0013 not sip at all\r\n\r\n"))))
        .isTrue();
    assertThat(
            silentDrop(
                parser.parse(
                    bytes(
                        SampleMessages.INVITE
                            .replace("INVITE sip", "ACK sip")
                            .replace("CSeq: 1 INVITE", "CSeq: x ACK")))))
        .isTrue();
    assertThat(silentDrop(parser.parse(bytes("SIP/2.0 200 OK\r\nVia: garbage\r\n\r\n")))).isTrue();
  }

  @Test
  void refusesMessagesBeyondItsLimits() {
    ParseResult tooLong = parser.parse(new byte[4097]);
    StringBuilder manyHeaders =
        new StringBuilder(SampleMessages.INVITE.replace("Content-Length: 0\r\n\r\n", ""));
    for (int i = 0; i < 20; i++) {
      manyHeaders.append("X-Filler-").append(i).append(": x\r\n");
    }
    ParseResult tooMany = parser.parse(bytes(manyHeaders + "Content-Length: 0\r\n\r\n"));

    assertThat(((ParseResult.Malformed) tooLong).reason()).contains("exceeds 4096");
    assertThat(((ParseResult.Malformed) tooMany).reason()).isEqualTo("more than 20 header lines");
    assertThat(badRequest(tooMany)).startsWith("SIP/2.0 400 Bad Request");
  }

  @Test
  void refusesWhatRfc4475CallsInvalidThatJainSipWouldRead() {
    String invite = SampleMessages.INVITE;
    assertThat(badRequest(parser.parse(bytes(invite.replace("INVITE sip", "INVITE  sip")))))
        .contains("Method SP Request-URI SP SIP-Version");
    assertThat(badRequest(parser.parse(bytes(invite.replace(" SIP/2.0\r\n", " SIP/2.0 \r\n")))))
        .contains("Method SP Request-URI SP SIP-Version");
    assertThat(
            badRequest(
                parser.parse(
                    bytes(
                        invite.replace("Content-Length: 0\r\n", "l: 0\r\nContent-Length: 0\r\n")))))
        .contains("more than one content-length header");
    assertThat(badRequest(parser.parse(bytes(invite.replace("To: <sip:", "To: Smith, Ann <sip:")))))
        .contains("needs quotes");
    assertThat(badRequest(parser.parse(bytes(invite.replace("To: <sip:", "To: < sip:")))))
        .contains("spaces within an addr-spec");
    assertThat(
            badRequest(
                parser.parse(
                    bytes(invite.replace("0.1:5060 SIP", "0.1:5060?Route=%3Csip:x%3E SIP")))))
        .contains("escaped headers in the Request-URI");
    assertThat(badRequest(parser.parse(bytes(invite.replace("z9hG4bK-74bf9", "z9hG4bK")))))
        .contains("magic cookie");
  }

  /**
   * A header a message carries once, in its long or compact form and in any case (RFC 3261 §7.3.1,
   * §7.3.3), named twice: the second line is added before Content-Length.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "i: 1@127.0.0.2 | call-id",
        "CALL-ID: 1@127.0.0.2 | call-id",
        "CSEQ: 2 INVITE | cseq",
        "f: <sip:bob@127.0.0.2>;tag=1 | from",
        "t: <sip:+4930123456@127.0.0.1> | to",
        "max-forwards: 69 | max-forwards",
        "L: 0 | content-length",
      })
  void refusesASingleHeaderNamedTwice(String second, String named) {
    String invite = SampleMessages.INVITE.replace("Content-Length", second + "\r\nContent-Length");
    assertThat(badRequest(parser.parse(bytes(invite))))
        .contains("more than one " + named + " header");
  }

  @Test
  void refusesTwoContentTypesAndReadsRepeatedListHeaders() {
    String invite = SampleMessages.INVITE;
    assertThat(
            badRequest(
                parser.parse(
                    bytes(
                        invite.replace(
                            "Content-Length",
                            "Content-Type: application/sdp\r\nc: text/plain\r\nContent-Length")))))
        .contains("more than one content-type header");
    // Names as long as a single header's, and list headers, may come more than once.
    assertThat(
            parser.parse(
                bytes(
                    invite.replace(
                        "Content-Length",
                        "Supported: timer\r\nSupported: path\r\nTi: 1\r\nTi: 2\r\nContent-Length"))))
        .isInstanceOf(ParseResult.Parsed.class);
  }

  @Test
  void readsControlCharactersOnlyAsQuotedPairs() {
    String quoted = SampleMessages.INVITE.replace("To: <sip:", "To: \"NUL:\\\0\" <sip:");
    String bare = SampleMessages.INVITE.replace("To: <sip:", "To: \"NUL:\0\" <sip:");

    assertThat(parser.parse(bytes(quoted))).isInstanceOf(ParseResult.Parsed.class);
    assertThat(badRequest(parser.parse(bytes(bare)))).contains("control character");
  }

  private static boolean silentDrop(ParseResult result) {
    return result instanceof ParseResult.Malformed m && m.badRequest().isEmpty();
  }

  private static String badRequest(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Malformed.class);
    return new String(
        ((ParseResult.Malformed) result).badRequest().orElseThrow(), StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
