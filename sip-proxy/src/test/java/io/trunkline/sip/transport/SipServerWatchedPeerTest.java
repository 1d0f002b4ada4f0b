package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPMessage;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import io.trunkline.testing.log.LogRecords;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A peer the server sends to is watched by a socket connected to it ({@link UdpPeerWatch}), and the
 * kernel hands that socket the peer's datagrams. Their answers must leave from the listener, not
 * from the socket that read them: it may hold an ICMP error that fails the write, or be closed by
 * the time the answer is ready. That is the likely way CI run 37 lost a torture message's 400.
 */
class SipServerWatchedPeerTest {

  private static final String ADDRESS = AnsweringServer.ADDRESS;
  private static final String HELD_CALL = "held@127.0.0.2";

  @Test
  void aBadRequestReadByAWatchSocketIsAnsweredAfterTheWatchIsGivenUp() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (DatagramSocket carrier = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        SipServer server =
            SipServer.start(
                SipServer.Settings.plain(
                    new InetSocketAddress(ADDRESS, LoopbackPorts.freePort(ADDRESS)), 24),
                (sender, workers) ->
                    message -> {
                      // The held call's worker waits here, so what comes next on the call waits
                      // behind it.
                      holding.countDown();
                      awaitQuietly(release);
                    })) {
      carrier.setSoTimeout(5_000);
      InetSocketAddress carrierAddress = (InetSocketAddress) carrier.getLocalSocketAddress();

      // The server sends to the carrier watched: from now on its datagrams reach the watch's
      // socket connected to it.
      server.send(message(SampleMessages.INVITE), Transport.UDP, carrierAddress, () -> {});
      assertThat(receive(carrier)).startsWith("INVITE ");

      send(
          carrier,
          server,
          SampleMessages.INVITE.replace("3848276298220188511@127.0.0.2", HELD_CALL));
      assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
      send(
          carrier,
          server,
          SampleMessages.INVITE
              .replace("3848276298220188511@127.0.0.2", HELD_CALL)
              .replace("CSeq: 1 INVITE", "CSeq: one INVITE"));

      // The watch gives the carrier up for as many peers as it keeps, closing the socket that
      // read the broken request before its 400 is ready.
      int base = 20_000 + carrierAddress.getPort() % 1_000;
      for (int i = 0; i < UdpPeerWatch.MAX_PEERS; i++) {
        server.send(
            message(SampleMessages.INVITE),
            Transport.UDP,
            new InetSocketAddress(ADDRESS, base + i),
            () -> {});
      }
      release.countDown();

      String answer = receive(carrier);
      assertThat(answer).as(answer).startsWith("SIP/2.0 400 ").contains("Call-ID: " + HELD_CALL);
      assertThat(server.stats().badRequestsSentCount()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  /**
   * A pod closes its server while the proxy's timers and probes may still send: what they send then
   * is dropped, without an error for the sender or the event loops, which are gone.
   */
  @Test
  void aSendAfterCloseIsDroppedQuietly() throws Exception {
    try (LogRecords warnings = LogRecords.of("", Level.WARNING);
        DatagramSocket carrier = new DatagramSocket(new InetSocketAddress(ADDRESS, 0))) {
      carrier.setSoTimeout(1_000);
      InetSocketAddress carrierAddress = (InetSocketAddress) carrier.getLocalSocketAddress();
      SipServer server = AnsweringServer.start();
      server.close();
      CountDownLatch unreachable = new CountDownLatch(1);

      server.send(message(SampleMessages.INVITE), Transport.UDP, carrierAddress);
      server.send(
          message(SampleMessages.INVITE), Transport.UDP, carrierAddress, unreachable::countDown);

      assertThat(receive(carrier)).isNull();
      assertThat(unreachable.getCount()).isEqualTo(1);
      assertThat(warnings.messages()).isEmpty();
    }
  }

  private static SIPMessage message(String text) {
    ParseResult parsed = new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) parsed).message();
  }

  private static void send(DatagramSocket from, SipServer to, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    from.send(new DatagramPacket(bytes, bytes.length, to.udpAddress()));
  }

  /** The next datagram, or null after the socket's timeout. */
  private static String receive(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[8_192], 8_192);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
