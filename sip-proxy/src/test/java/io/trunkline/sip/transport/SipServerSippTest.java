package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.SampleMessages;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SIP transports against the real sipp on loopback, and against hostile datagrams. */
class SipServerSippTest {

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
  void answersOptionsProbesOverUdp() {
    SippResult probes = probe(SippTransport.UDP, 20);

    assertThat(probes.allCallsSucceeded()).as(probes.toString()).isTrue();
    assertThat(probes.statistics().successfulCalls()).isEqualTo(20);
    // Each probe once, and again each time sipp's timer ran out before the answer came (this
    // server keeps no transactions and counts every copy).
    assertThat(server.stats().receivedCount())
        .isEqualTo(20 + probes.statistics().retransmissions());
  }

  @Test
  void answersOptionsProbesOverTcp() {
    SippResult probes = probe(SippTransport.TCP, 10);

    assertThat(probes.allCallsSucceeded()).as(probes.toString()).isTrue();
    assertThat(probes.statistics().successfulCalls()).isEqualTo(10);
  }

  @Test
  void survivesGarbageAndAnswersBrokenRequestsWith400() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ADDRESS, 0))) {
      socket.setSoTimeout(5_000);
      send(socket, new byte[] {0, (byte) 0xff, 0x13, 0x37});
      send(socket, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      send(socket, new byte[70_000 / 2]);
      send(
          socket,
          SampleMessages.INVITE
              .replace("CSeq: 1 INVITE", "CSeq: one INVITE")
              .getBytes(StandardCharsets.ISO_8859_1));

      DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
      socket.receive(reply);
      String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1);
      assertThat(text)
          .startsWith("SIP/2.0 400 Bad Request")
          .contains("Call-ID: 3848276298220188511@127.0.0.2");
    }

    SippResult probes = probe(SippTransport.UDP, 5);

    assertThat(probes.allCallsSucceeded()).as("still serving after garbage: " + probes).isTrue();
    assertThat(server.stats().malformedCount()).isEqualTo(3);
    assertThat(server.stats().badRequestsSentCount()).isEqualTo(1);
    assertThat(server.stats().keepAliveCount()).isEqualTo(1);
  }

  private SippResult probe(SippTransport transport, int probes) {
    InetSocketAddress target =
        transport == SippTransport.UDP ? server.udpAddress() : server.tcpAddress();
    return Sipp.bundled("options")
        .named("options-" + transport)
        .local(ADDRESS, 0)
        .remote(ADDRESS, target.getPort())
        .transport(transport)
        .calls(probes)
        .rate(50)
        .timeout(Duration.ofSeconds(30))
        .start(work)
        .await();
  }

  private void send(DatagramSocket socket, byte[] bytes) throws Exception {
    socket.send(new DatagramPacket(bytes, bytes.length, server.udpAddress()));
  }
}
