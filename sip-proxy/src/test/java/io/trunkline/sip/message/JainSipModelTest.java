package io.trunkline.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import javax.sip.header.ViaHeader;
import org.junit.jupiter.api.Test;

/**
 * Pins what the proxy relies on from JAIN-SIP's message model: it loads with its log4j 1.2 API
 * (reload4j) on the runtime classpath, and it parses a request and refuses a broken one.
 */
class JainSipModelTest {

  private static final String INVITE =
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

  @Test
  void parsesARequest() throws ParseException {
    SIPRequest request =
        (SIPRequest)
            new StringMsgParser()
                .parseSIPMessage(INVITE.getBytes(StandardCharsets.UTF_8), true, false, null);

    assertThat(request.getMethod()).isEqualTo("INVITE");
    assertThat(request.getCallId().getCallId()).isEqualTo("3848276298220188511@127.0.0.2");
    assertThat(((ViaHeader) request.getHeader(ViaHeader.NAME)).getBranch())
        .isEqualTo("z9hG4bK-74bf9");
    assertThat(request.getRequestURI().toString()).isEqualTo("sip:+4930123456@127.0.0.1:5060");
  }

  @Test
  void refusesARequestLineWithoutVersion() {
    byte[] broken = INVITE.replace(" SIP/2.0\r\nVia", "\r\nVia").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new StringMsgParser().parseSIPMessage(broken, true, false, null))
        .isInstanceOf(ParseException.class);
  }
}
