package io.trunkline.sip.health;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.transport.Transport;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OptionsProbeTest {

  private final OptionsProbe probe = new OptionsProbe(null, null, "192.0.2.1", 5060, 5061);

  @Test
  void buildsAnOutOfDialogOptionsThatParsesBack() {
    Carrier carrier = new Carrier("a", "carrier.example", 5070, "TLS", 1, 1, false);

    SIPRequest options = probe.options(carrier, Transport.TLS, "abc123");
    ParseResult again = new SipParser().parse(options.encode().getBytes(StandardCharsets.UTF_8));

    assertThat(again).isInstanceOf(ParseResult.Parsed.class);
    assertThat(options.getRequestURI().toString()).isEqualTo("sip:carrier.example:5070");
    Via via = options.getTopmostVia();
    assertThat(via.getTransport()).isEqualTo("TLS");
    assertThat(via.getPort()).isEqualTo(5061);
    assertThat(via.getBranch()).startsWith("z9hG4bK");
    assertThat(via.hasParameter("rport")).isTrue();
    assertThat(options.getMaxForwards().getMaxForwards()).isEqualTo(70);
    assertThat(options.getCSeq().getSeqNumber()).isEqualTo(1);
    assertThat(options.getCSeq().getMethod()).isEqualTo("OPTIONS");
    assertThat(options.getFromTag()).isEqualTo("abc123");
    assertThat(options.getToTag()).isNull();
    assertThat(options.getCallId().getCallId()).isEqualTo("abc123@192.0.2.1");
    assertThat(options.encode()).contains("Content-Length: 0");
  }
}
