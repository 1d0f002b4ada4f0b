package io.trunkline.relay.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's retransmission and failure verdicts, against sockets that play a broken relay. */
class RelayClientTest {

  private static final String ADDRESS = "127.0.0.1";

  private static final ControlKey KEY = ControlKey.random();

  /** The relay's end, and the client's: both hold the trunk's key. */
  private static final ControlSigner SIGNER = new ControlSigner(KEY);

  private final EventLoopGroup group = new NioEventLoopGroup(1);

  @AfterEach
  void shutdown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void retransmitsTheSameRequestThenTimesOut() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(silent, Duration.ofMillis(50), 3)) {
      silent.setSoTimeout(5_000);
      CompletableFuture<RelayHealth> ping = client.ping();

      List<String> received = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        silent.receive(packet);
        received.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
      }

      assertThat(errorOf(ping)).isEqualTo(ControlError.TIMEOUT);
      assertThat(received).hasSize(3).containsOnly(received.get(0));
      assertThat(received.get(0)).contains("\"op\":\"ping\"");
      // No fourth attempt.
      silent.setSoTimeout(200);
      assertThatThrownBy(() -> silent.receive(new DatagramPacket(new byte[16], 16)))
          .isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void aClientWithItsOwnEventLoopClosesTwiceWithoutComplaint() throws Exception {
    RelayClient client =
        RelayClient.open(new InetSocketAddress(ADDRESS, LoopbackPorts.freePort(ADDRESS)), SIGNER);
    CompletableFuture<RelayHealth> ping = client.ping();

    client.close();

    assertThat(errorOf(ping)).isEqualTo(ControlError.UNREACHABLE);
    assertThatCode(client::close).doesNotThrowAnyException();
  }

  @Test
  void aRelayWhosePortIsClosedFailsAtOnceInsteadOfTimingOut() throws Exception {
    int closed = LoopbackPorts.freePort(ADDRESS);
    try (RelayClient client =
        RelayClient.open(
            new InetSocketAddress(ADDRESS, closed), group, Duration.ofSeconds(30), 1, SIGNER)) {
      CompletableFuture<RelayHealth> ping = client.ping();

      // The kernel's ICMP port unreachable reaches the connected socket within milliseconds.
      assertThat(errorOf(ping)).isEqualTo(ControlError.UNREACHABLE);
    }
  }

  @Test
  void aRefusalCompletesTheFutureWithItsReason() throws Exception {
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(relay)) {
      relay.setSoTimeout(5_000);
      CompletableFuture<?> delete = client.delete("call", "tag");
      DatagramPacket request = new DatagramPacket(new byte[4096], 4096);
      relay.receive(request);
      String cookie = cookie(request);
      // A stray reply with another cookie is ignored; the real one completes the request.
      reply(relay, request, "{\"cookie\":\"other\",\"result\":\"ok\",\"zone\":\"z\"}");
      reply(
          relay,
          request,
          "{\"cookie\":\""
              + cookie
              + "\",\"result\":\"error\",\"reason\":\"unknown session\",\"detail\":\"gone\"}");

      assertThat(errorOf(delete)).isEqualTo(ControlError.UNKNOWN_SESSION);
    }
  }

  @Test
  void aReplyOfAnotherKindFailsTheRequestAsMalformed() throws Exception {
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(relay)) {
      relay.setSoTimeout(5_000);
      CompletableFuture<SessionReport> delete = client.delete("call", "tag");
      DatagramPacket request = new DatagramPacket(new byte[4096], 4096);
      relay.receive(request);
      // A well-formed pong where the statistics of the deleted session belong.
      ControlReply pong =
          new ControlReply.Pong(cookie(request), new RelayHealth("z", "acme", 0, 10, 100));
      send(relay, request, SIGNER.signReply(new ControlCodec().encode(pong)));

      assertThat(errorOf(delete)).isEqualTo(ControlError.MALFORMED);
    }
  }

  /** An authentic reply that does not decode ends the request it names at once, as malformed. */
  @Test
  void anUnreadableReplyFailsTheRequestItNamesAsMalformed() throws Exception {
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(relay)) {
      relay.setSoTimeout(5_000);
      CompletableFuture<RelayHealth> ping = client.ping();
      DatagramPacket request = new DatagramPacket(new byte[4096], 4096);
      relay.receive(request);
      reply(relay, request, "{\"cookie\":\"" + cookie(request) + "\",\"result\":\"maybe\"}");

      // Well before the one attempt's 30 s would run out.
      assertThat(errorOf(ping)).isEqualTo(ControlError.MALFORMED);
    }
  }

  @Test
  void aListOfSilentSessionsThatFillsTheWholeDatagramArrivesWhole() throws Exception {
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(relay)) {
      relay.setSoTimeout(5_000);
      CompletableFuture<List<String>> silent = client.silent(Duration.ofSeconds(30));
      DatagramPacket request = new DatagramPacket(new byte[4096], 4096);
      relay.receive(request);
      List<String> callIds = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        callIds.add("%040d@pbx.example".formatted(i));
      }
      ControlCodec codec = new ControlCodec();
      byte[] json = codec.encode(codec.silentReply(cookie(request), callIds));
      send(relay, request, SIGNER.signReply(json));

      // Far beyond the 2048 bytes Netty reads of a datagram unless told otherwise.
      assertThat(json.length).isGreaterThan(4000);
      assertThat(silent.get(10, TimeUnit.SECONDS))
          .hasSizeGreaterThan(60)
          .isEqualTo(callIds.subList(0, silent.get().size()));
      assertThat(new String(request.getData(), 0, request.getLength(), StandardCharsets.UTF_8))
          .contains("\"op\":\"silent\",\"seconds\":30");
    }
  }

  @Test
  void requestsAfterCloseFailAsUnreachable() throws Exception {
    RelayClient client =
        RelayClient.open(
            new InetSocketAddress(ADDRESS, LoopbackPorts.freePort(ADDRESS)),
            group,
            Duration.ofSeconds(1),
            1,
            SIGNER);
    client.close();

    assertThat(errorOf(client.ping())).isEqualTo(ControlError.UNREACHABLE);
  }

  @Test
  void forgedRepliesAreDroppedAndTheRelaysOwnCompletesTheRequest() throws Exception {
    try (DatagramSocket relay = new DatagramSocket(new InetSocketAddress(ADDRESS, 0));
        RelayClient client = clientOf(relay)) {
      relay.setSoTimeout(5_000);
      CompletableFuture<MediaEndpoint> offer =
          client.offer("call", "tag", MediaEndpoint.of(new InetSocketAddress("192.0.2.10", 49170)));
      DatagramPacket request = new DatagramPacket(new byte[4096], 4096);
      relay.receive(request);
      assertThat(SIGNER.verifyRequest(request.getData(), 0, request.getLength()))
          .as("the request is signed with the trunk's key")
          .isInstanceOf(ControlSigner.Verification.Authentic.class);
      String cookie = cookie(request);
      // Each forgery would send the caller's media to 203.0.113.66, or fail the call.
      String steered =
          "{\"cookie\":\""
              + cookie
              + "\",\"result\":\"ok\",\"ip\":\"203.0.113.66\",\"port\":40000}";
      send(relay, request, steered.getBytes(StandardCharsets.UTF_8));
      send(relay, request, new ControlSigner(ControlKey.random()).signReply(bytes(steered)));
      send(relay, request, SIGNER.signRequest(bytes(steered)));
      send(
          relay,
          request,
          new ControlSigner(KEY, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)))
              .signReply(bytes(steered)));
      String genuine =
          "{\"cookie\":\""
              + cookie
              + "\",\"result\":\"ok\",\"ip\":\"198.51.100.7\",\"port\":30000}";
      // The relay's own reply with the address changed on the way.
      send(
          relay,
          request,
          bytes(
              new String(SIGNER.signReply(bytes(genuine)), StandardCharsets.UTF_8)
                  .replace("198.51.100.7", "203.0.113.66")));
      reply(relay, request, genuine);

      assertThat(offer.get(10, TimeUnit.SECONDS))
          .isEqualTo(MediaEndpoint.of(new InetSocketAddress("198.51.100.7", 30000)));
    }
  }

  private static String cookie(DatagramPacket request) {
    return new String(request.getData(), 0, request.getLength(), StandardCharsets.UTF_8)
        .replaceAll("(?s).*\"cookie\":\"([^\"]+)\".*", "$1");
  }

  /** Replies as the relay does: signed with the trunk's key. */
  private static void reply(DatagramSocket relay, DatagramPacket request, String json)
      throws Exception {
    send(relay, request, SIGNER.signReply(bytes(json)));
  }

  /**
   * A client of {@code relay} on the test's event loop that waits for the test's replies however
   * slowly they come: the default retransmissions give up after a second, which a loaded machine
   * can take to sign a few replies.
   */
  private RelayClient clientOf(DatagramSocket relay) throws InterruptedException {
    return clientOf(relay, Duration.ofSeconds(30), 1);
  }

  /**
   * A client of {@code relay} on the test's event loop, sending each request {@code attempts}
   * times.
   */
  private RelayClient clientOf(DatagramSocket relay, Duration interval, int attempts)
      throws InterruptedException {
    return RelayClient.open(
        (InetSocketAddress) relay.getLocalSocketAddress(), group, interval, attempts, SIGNER);
  }

  private static void send(DatagramSocket relay, DatagramPacket request, byte[] datagram)
      throws Exception {
    relay.send(new DatagramPacket(datagram, datagram.length, request.getSocketAddress()));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static ControlError errorOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(RelayException.class);
      return ((RelayException) e.getCause()).error();
    }
    throw new AssertionError("completed normally");
  }
}
