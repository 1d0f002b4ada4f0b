package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.SampleMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.7 step 9 on the proxy at 127.0.0.1:5060: what a response forwarded back is. */
class ForwardingTest {

  private static final String RINGING =
      "SIP/2.0 180 Ringing\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtl1a2b.3c4d.1;rport=5060\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-caller-1\r\n"
          + "From: <sip:alice@127.0.0.2>;tag=caller\r\n"
          + "To: <sip:+4930123456@127.0.0.1>;tag=callee\r\n"
          + "Call-ID: forwarding-1@127.0.0.2\r\n"
          + "CSeq: 1 INVITE\r\n"
          + "Contact: <sip:127.0.0.3:5064>\r\n"
          + "Content-Length: 0\r\n\r\n";

  /** Nothing but the response goes through a response without an answer to anchor. */
  private final Forwarding forwarding =
      new Forwarding(null, null, null, null, null, null, null, null);

  @Test
  void sendsTheResponseItselfWithoutItsOwnVia() {
    SIPResponse response = parse(RINGING);
    List<SIPResponse> sent = new ArrayList<>();

    forwarding.upstream(response, "forwarding-1@127.0.0.2", "caller", false, sent::add);

    // Each response is parsed for its one forwarding: a copy would be 4 KB allocated for nothing.
    assertThat(sent).singleElement().isSameAs(response);
    assertThat(response.getViaHeaders()).hasSize(1);
    Via via = response.getTopmostVia();
    assertThat(via.getHost()).isEqualTo("127.0.0.2");
    assertThat(via.getBranch()).isEqualTo("z9hG4bK-caller-1");
  }

  private static SIPResponse parse(String text) {
    return (SIPResponse) SampleMessages.parsed(text);
  }
}
