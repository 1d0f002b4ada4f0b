package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import io.trunkline.testing.wire.Tshark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real tshark proves the mark on the signalling the proxy forwards to a carrier, as a router
 * would read it; the real sipp plays the PBX and the carrier to make that traffic.
 */
class ProxyDscpWireTest {

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  /** An IPv6 packet carries the mark in its Traffic Class (RFC 8200 §7), as IPv4 in its TOS. */
  @ParameterizedTest(name = "carrier on IPv6: {0}")
  @ValueSource(booleans = {false, true})
  void marksForwardedSignallingCs3OnTheWire(boolean ipv6) throws Exception {
    if (ipv6) {
      trunk.carrierAOnIpv6();
    }
    trunk.start(work.resolve("trunk"));
    List<String> marks;
    try (SippProcess carrier = trunk.carrierAnswering(work);
        Tshark tshark =
            Tshark.capture(
                "udp and dst host " + trunk.carrierAAddress + " and dst port " + trunk.carrierA,
                3,
                Duration.ofSeconds(20),
                ipv6 ? "ipv6.tclass.dscp" : "ip.dsfield.dscp")) {
      SippResult call = pbxCalls(NATIONAL);
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      marks = tshark.packets();
    }

    // The requests the proxy sent the carrier (INVITE, ACK, BYE), each marked CS3 (24).
    assertThat(marks).hasSize(3).containsOnly("24");
  }

  private SippResult pbxCalls(String number) {
    return trunk
        .towardsProxy(Sipp.bundled("call").named("call-pbx"), PBX, SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option("-s", "pbx", "-d", "500")
        .start(work)
        .await();
  }
}
