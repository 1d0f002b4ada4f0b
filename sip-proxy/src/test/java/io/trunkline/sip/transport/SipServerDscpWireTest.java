package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import io.trunkline.testing.wire.Tshark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real tshark proves the mark on the SIP transports' signalling, as a router would read it. */
class SipServerDscpWireTest {

  private static final String ADDRESS = AnsweringServer.ADDRESS;

  @TempDir Path work;

  private SipServer server;

  @BeforeEach
  void start() throws Exception {
    server = AnsweringServer.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void marksSignallingWithTheTrunksDscpOnTheWire() {
    int port = server.udpAddress().getPort();
    int sippPort = LoopbackPorts.freePort(ADDRESS);
    List<String> packets;
    // Both ports in the filter: other loopback traffic may share one of them.
    try (Tshark tshark =
        Tshark.capture(
            "udp src port " + port + " and udp dst port " + sippPort,
            5,
            Duration.ofSeconds(20),
            "ip.dsfield.dscp")) {
      assertThat(probe(5, sippPort).allCallsSucceeded()).isTrue();
      packets = tshark.packets();
    }

    // Every response the server sent carried CS3 (24), the server's configured mark.
    assertThat(packets).hasSize(5).containsOnly("24");
  }

  private SippResult probe(int probes, int localPort) {
    return Sipp.bundled("options")
        .named("options-" + SippTransport.UDP)
        .local(ADDRESS, localPort)
        .remote(ADDRESS, server.udpAddress().getPort())
        .transport(SippTransport.UDP)
        .calls(probes)
        .rate(50)
        .timeout(Duration.ofSeconds(30))
        .start(work)
        .await();
  }
}
