package io.trunkline.sip;

import gov.nist.javax.sip.message.SIPMessage;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import java.nio.charset.StandardCharsets;

/** SIP messages the tests send, written out as they appear on the wire. */
public final class SampleMessages {

  /** A PBX's call to a German number, without SDP. */
  public static final String INVITE =
      "INVITE sip:+4930123456@127.0.0.1:5060 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-74bf9\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:alice@127.0.0.2>;tag=9fxced76sl\r\n"
          + "To: <sip:+4930123456@127.0.0.1>\r\n"
          + "Call-ID: 3848276298220188511@127.0.0.2\r\n"
          + "CSeq: 1 INVITE\r\n"
          + "Contact: <sip:alice@127.0.0.2:5070>\r\n"
          + "Content-Length: 0\r\n"
          + "\r\n";

  /** {@code text} as the proxy parses it; a text that does not parse fails the test using it. */
  public static SIPMessage parsed(String text) {
    ParseResult result = new SipParser().parse(text.getBytes(StandardCharsets.UTF_8));
    if (result instanceof ParseResult.Parsed parsed) {
      return parsed.message();
    }
    throw new AssertionError(
        "does not parse (" + ((ParseResult.Malformed) result).reason() + "):\n" + text);
  }

  private SampleMessages() {}
}
