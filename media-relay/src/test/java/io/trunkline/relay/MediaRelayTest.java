package io.trunkline.relay;

import static io.trunkline.relay.TestRelays.KEY;
import static io.trunkline.relay.TestRelays.PHONE_ADDRESS;
import static io.trunkline.relay.TestRelays.SIGNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.relay.control.RelayException;
import io.trunkline.relay.control.RelayHealth;
import io.trunkline.relay.control.SessionReport;
import io.trunkline.relay.session.Ticker;
import io.trunkline.testing.metrics.DocumentedMetrics;
import io.trunkline.testing.metrics.Series;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on loopback with plain datagram sockets standing for the phones, driven through the
 * control protocol as the proxy drives it.
 */
class MediaRelayTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  @AfterEach
  void closeAll() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  @Test
  void relaysRtpBothWaysAndReportsLossAndJitterOnDelete() throws Exception {
    MediaRelay relay = start(TestRelays.config(21000, 21099, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    Call call = call(client, "call-1", caller, callee);

    // 205 sequence numbers with 5 gaps: 200 packets sent, 5 lost before the relay.
    Set<Integer> gaps = Set.of(1040, 1070, 1100, 1130, 1160);
    int sent = 0;
    for (int seq = 1000; seq < 1205; seq++) {
      if (gaps.contains(seq)) {
        continue;
      }
      caller.sendRtp(call.callerSendsTo().rtp(), seq, (seq - 1000) * 160L);
      sent++;
      if (sent % 50 == 0) {
        awaitCount(callee::rtpReceived, sent);
      }
    }
    assertThat(sent).isEqualTo(200);
    // The callee's sequence wraps past 65535 on the way (RFC 3550 A.1).
    for (int i = 0; i < 100; i++) {
      callee.sendRtp(call.calleeSendsTo().rtp(), (65_500 + i) & 0xffff, 8000 + i * 160L);
      if ((i + 1) % 50 == 0) {
        awaitCount(caller::rtpReceived, i + 1);
      }
    }

    assertThat(callee.rtpReceived()).isEqualTo(200);
    assertThat(caller.rtpReceived()).isEqualTo(100);
    // Each party sees media from the port it sends to (symmetric RTP, RFC 4961).
    assertThat(callee.rtpSources()).containsOnly(call.calleeSendsTo().rtp());
    assertThat(caller.rtpSources()).containsOnly(call.callerSendsTo().rtp());

    SessionReport report = client.delete("call-1", "caller-tag").get(5, TimeUnit.SECONDS);

    assertThat(report.caller().packets()).isEqualTo(200);
    assertThat(report.caller().bytes()).isEqualTo(200L * Phone.RTP_PACKET_BYTES);
    assertThat(report.caller().lost()).isEqualTo(5);
    assertThat(report.callee().packets()).isEqualTo(100);
    assertThat(report.callee().lost()).isZero();
    // Packets stamped 20 ms apart arrived in bursts, nearly at once: each transit differs by
    // about 20 ms from the previous, so the A.8 estimate settles near 20 ms.
    assertThat(report.caller().jitterSeconds()).isCloseTo(0.020, within(0.004));
    assertThat(report.callee().jitterSeconds()).isCloseTo(0.020, within(0.004));

    assertThat(counter("trunkline.relay.packets")).isEqualTo(300);
    assertThat(counter("trunkline.relay.bytes")).isEqualTo(300.0 * Phone.RTP_PACKET_BYTES);
    assertThat(counter("trunkline.relay.packets.lost")).isEqualTo(5);
    assertThat(registry.get("trunkline.relay.jitter").summary().count()).isEqualTo(2);
    assertThat(relay.sessions()).isZero();
    assertThat(relay.portsInUse()).isZero();
  }

  @Test
  void forwardsRtcpWithoutCountingItAsRtp() throws Exception {
    MediaRelay relay = start(TestRelays.config(21100, 21199, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    Call call = call(client, "call-rtcp", caller, callee);

    for (int i = 0; i < 3; i++) {
      caller.sendRtcp(call.callerSendsTo().rtcp());
    }
    awaitCount(callee::rtcpReceived, 3);
    callee.sendRtcp(call.calleeSendsTo().rtcp());
    awaitCount(caller::rtcpReceived, 1);

    SessionReport report = client.delete("call-rtcp", "caller-tag").get(5, TimeUnit.SECONDS);
    assertThat(report.caller().packets()).isZero();
    assertThat(report.callee().packets()).isZero();
    assertThat(callee.rtpReceived()).isZero();
    assertThat(counter("trunkline.relay.packets")).isZero();
  }

  @Test
  void latchesOntoTheCallersRealPortSoANattedPhoneGetsMedia() throws Exception {
    MediaRelay relay = start(TestRelays.config(21200, 21299, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone signalled = phone();
    Phone natted = phone();
    Phone callee = phone();
    // The caller's SDP names one port; its NAT sends from another.
    Call call = call(client, "call-nat", signalled, callee);

    for (int i = 0; i < 10; i++) {
      natted.sendRtp(call.callerSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(callee::rtpReceived, 10);
    for (int i = 0; i < 10; i++) {
      callee.sendRtp(call.calleeSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(natted::rtpReceived, 10);

    assertThat(signalled.rtpReceived()).isZero();
  }

  @Test
  void strictSourceAcceptsOnlyTheSignalledAddress() throws Exception {
    MediaRelay relay = start(TestRelays.config(21300, 21399, 46, 100, true), Ticker.system());
    RelayClient client = client(relay);
    Phone signalled = phone();
    Phone natted = phone();
    Phone callee = phone();
    Call call = call(client, "call-strict", signalled, callee);

    for (int i = 0; i < 10; i++) {
      natted.sendRtp(call.callerSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(() -> (int) dropped("source"), 10);
    for (int i = 0; i < 10; i++) {
      callee.sendRtp(call.calleeSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(signalled::rtpReceived, 10);

    // The relay dropped every packet from the unsignalled port before counting or forwarding it.
    assertThat(callee.rtpReceived()).isZero();
    assertThat(natted.rtpReceived()).isZero();
    SessionReport report = client.delete("call-strict", "caller-tag").get(5, TimeUnit.SECONDS);
    assertThat(report.caller().packets()).isZero();
    assertThat(report.callee().packets()).isEqualTo(10);
  }

  @Test
  void reapsASilentSessionAndReturnsItsPorts() throws Exception {
    FakeTicker ticker = new FakeTicker();
    MediaRelay relay = start(TestRelays.config(21400, 21499, 46, 100, false), ticker);
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    call(client, "silent", caller, callee);
    Call talking = call(client, "talking", caller, callee);
    assertThat(relay.portsInUse()).isEqualTo(8);

    ticker.advance(Duration.ofSeconds(20));
    caller.sendRtp(talking.callerSendsTo().rtp(), 1, 160);
    awaitCount(callee::rtpReceived, 1);
    ticker.advance(Duration.ofSeconds(11));

    // The relay sweeps once a second; the silent call is 31 s quiet, the other 11 s.
    // Ports return once the reaped session's sockets are closed, just after it leaves the table;
    // the session is counted last.
    waiting()
        .until(
            () ->
                relay.sessions() == 1
                    && relay.portsInUse() == 4
                    && counter("trunkline.relay.sessions.ended", "reason", "idle") == 1);
    assertThat(errorOf(client.delete("silent", "caller-tag")))
        .isEqualTo(ControlError.UNKNOWN_SESSION);
    assertThat(client.delete("talking", "caller-tag").get(5, TimeUnit.SECONDS).caller().packets())
        .isEqualTo(1);
    assertThat(relay.portsInUse()).isZero();
  }

  @Test
  void listsTheSessionsWithoutAPacketEitherWayMostRecentlySilentFirst() throws Exception {
    FakeTicker ticker = new FakeTicker();
    MediaRelay relay = start(TestRelays.config(21500, 21599, 46, 100, false), ticker);
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    call(client, "dead-early", caller, callee);
    Call deadLate = call(client, "dead-late", caller, callee);
    Call talking = call(client, "talking", caller, callee);

    ticker.advance(Duration.ofSeconds(4));
    caller.sendRtp(deadLate.callerSendsTo().rtp(), 1, 160);
    awaitCount(callee::rtpReceived, 1);
    ticker.advance(Duration.ofSeconds(4));
    // Media from the callee alone is media: a session is silent only when both sides are.
    callee.sendRtp(talking.calleeSendsTo().rtp(), 1, 160);
    awaitCount(caller::rtpReceived, 1);
    ticker.advance(Duration.ofSeconds(3));

    // Quiet for 11, 7 and 3 seconds.
    assertThat(client.silent(Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS))
        .containsExactly("dead-late", "dead-early");
    assertThat(client.silent(Duration.ofSeconds(8)).get(5, TimeUnit.SECONDS))
        .containsExactly("dead-early");
    assertThat(client.silent(Duration.ofSeconds(12)).get(5, TimeUnit.SECONDS)).isEmpty();
    // Asking ends nothing: the proxy that holds the call decides.
    assertThat(relay.sessions()).isEqualTo(3);
  }

  @Test
  void portExhaustionIsAClearRefusalAndOtherCallsKeepTheirMedia() throws Exception {
    // Four pairs: room for two calls of two legs.
    MediaRelay relay = start(TestRelays.config(21500, 21507, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    Call first = call(client, "first", caller, callee);
    call(client, "second", phone(), phone());

    CompletableFuture<MediaEndpoint> third =
        client.offer("third", "caller-tag", phone().endpoint());

    assertThat(errorOf(third)).isEqualTo(ControlError.PORTS_EXHAUSTED);
    assertThat(counter("trunkline.relay.offers.refused", "reason", "ports")).isEqualTo(1);
    for (int i = 0; i < 5; i++) {
      caller.sendRtp(first.callerSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(callee::rtpReceived, 5);

    client.delete("second", "caller-tag").get(5, TimeUnit.SECONDS);
    assertThat(client.offer("third", "caller-tag", phone().endpoint()).get(5, TimeUnit.SECONDS))
        .isNotNull();
    assertThat(relay.portsInUse()).isEqualTo(8);
  }

  @Test
  void theMaximumOfSessionsIsAClearRefusal() throws Exception {
    MediaRelay relay = start(TestRelays.config(21600, 21699, 46, 1, false), Ticker.system());
    RelayClient client = client(relay);
    call(client, "only", phone(), phone());

    assertThat(errorOf(client.offer("one-too-many", "caller-tag", phone().endpoint())))
        .isEqualTo(ControlError.MAX_SESSIONS);
    assertThat(relay.portsInUse()).isEqualTo(4);
    assertThat(counter("trunkline.relay.offers.refused", "reason", "sessions")).isEqualTo(1);
  }

  @Test
  void drainingRefusesNewSessionsAndWaitsForLiveOnes() throws Exception {
    MediaRelay relay = start(TestRelays.config(21800, 21899, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    call(client, "live", phone(), phone());
    CompletableFuture<Void> drained =
        CompletableFuture.runAsync(
            () -> {
              try {
                relay.drain(Duration.ofSeconds(20));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !relay.ready());
    assertThat(errorOf(client.offer("new", "caller-tag", phone().endpoint())))
        .isEqualTo(ControlError.MAX_SESSIONS);
    assertThat(drained).isNotDone();

    client.delete("live", "caller-tag").get(5, TimeUnit.SECONDS);

    drained.get(10, TimeUnit.SECONDS);
    assertThat(relay.sessions()).isZero();
  }

  @Test
  void offersAndAnswersAreIdempotentAndTheCalleeMayReoffer() throws Exception {
    MediaRelay relay = start(TestRelays.config(21700, 21799, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    Call call = call(client, "call-again", caller, callee);

    // A retransmitted INVITE and its 200 OK: same ports, no new session.
    assertThat(client.offer("call-again", "caller-tag", caller.endpoint()).get(5, TimeUnit.SECONDS))
        .isEqualTo(call.calleeSendsTo());
    assertThat(
            client
                .answer("call-again", "caller-tag", "callee-tag", callee.endpoint())
                .get(5, TimeUnit.SECONDS))
        .isEqualTo(call.callerSendsTo());
    assertThat(relay.sessions()).isEqualTo(1);
    assertThat(relay.portsInUse()).isEqualTo(4);

    // A re-INVITE from the callee (its tag in From) moving its media to another phone: the
    // reply is where the caller sends, the caller's media follows to the new address.
    Phone moved = phone();
    assertThat(client.offer("call-again", "callee-tag", moved.endpoint()).get(5, TimeUnit.SECONDS))
        .isEqualTo(call.callerSendsTo());
    assertThat(
            client
                .answer("call-again", "callee-tag", "caller-tag", caller.endpoint())
                .get(5, TimeUnit.SECONDS))
        .isEqualTo(call.calleeSendsTo());
    waiting()
        .until(
            () -> {
              caller.sendRtp(call.callerSendsTo().rtp(), 1, 160);
              return moved.rtpReceived() > 0;
            });
    assertThat(relay.sessions()).isEqualTo(1);

    // A BYE from the callee carries the callee's tag in From.
    client.delete("call-again", "callee-tag").get(5, TimeUnit.SECONDS);
    assertThat(relay.portsInUse()).isZero();
  }

  @Test
  void answersMalformedRequestsItCanAddressAndDropsTheRest() throws Exception {
    MediaRelay relay = start(TestRelays.config(21800, 21899, 46, 100, false), Ticker.system());
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PHONE_ADDRESS, 0))) {
      socket.setSoTimeout(5_000);
      InetSocketAddress control = relay.controlAddress();
      send(socket, control, SIGNER.signRequest(new byte[] {0, (byte) 0xff, 0x13, 0x37}));
      send(socket, control, SIGNER.signRequest(new byte[4097]));
      send(socket, control, signed("{\"op\":\"ping\"}"));

      String reply = exchange(socket, control, signed("{\"cookie\":\"k1\",\"op\":\"offer\"}"));
      assertThat(reply)
          .startsWith("{\"cookie\":\"k1\",\"result\":\"error\",\"reason\":\"malformed request\"");
      reply = exchange(socket, control, signed("{\"cookie\":\"k2\",\"op\":\"ping\"}"));
      assertThat(reply).contains("\"result\":\"ok\"", "\"zone\":\"zone-a\"");
    }
    assertThat(counter("trunkline.relay.control.dropped", "reason", "malformed")).isEqualTo(3);
  }

  @Test
  void refusesRequestsNotSignedWithTheTrunksKeyOrNotFreshWithoutAReply() throws Exception {
    MediaRelay relay = start(TestRelays.config(22300, 22399, 46, 100, false), Ticker.system());
    byte[] ping = "{\"cookie\":\"k\",\"op\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
    byte[] offer =
        SIGNER.signRequest(
            ("{\"cookie\":\"o\",\"op\":\"offer\",\"callId\":\"c\",\"fromTag\":\"f\","
                    + "\"ip\":\"127.0.0.1\",\"port\":4000}")
                .getBytes(StandardCharsets.UTF_8));
    // Media sent elsewhere: the last digit of the port, after signing.
    byte[] tampered = offer.clone();
    tampered[tampered.length - 2] = '2';
    List<byte[]> unauthenticated =
        List.of(
            ping,
            new ControlSigner(ControlKey.random()).signRequest(ping),
            tampered,
            // A reply the relay once sent, sent back to it as a request.
            SIGNER.signReply(ping),
            "t=1 mac=00\n{}".getBytes(StandardCharsets.UTF_8));
    // 17 s, not 16: signer and relay each read whole seconds, so a second boundary between signing
    // and checking can take one second off the skew the relay sees.
    List<byte[]> stale =
        List.of(
            signedAt(Duration.ofSeconds(-17), ping), // captured and replayed later
            signedAt(Duration.ofSeconds(17), ping));
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PHONE_ADDRESS, 0))) {
      socket.setSoTimeout(5_000);
      InetSocketAddress control = relay.controlAddress();
      for (byte[] datagram : unauthenticated) {
        send(socket, control, datagram);
      }
      for (byte[] datagram : stale) {
        send(socket, control, datagram);
      }

      // The relay takes datagrams in order: the first reply is to the one signed request, and no
      // other follows.
      String reply = exchange(socket, control, signed("{\"cookie\":\"signed\",\"op\":\"ping\"}"));
      assertThat(reply).startsWith("{\"cookie\":\"signed\",\"result\":\"ok\"");
      socket.setSoTimeout(300);
      assertThat(receiveAny(socket)).as("a reply to a refused datagram").isNull();
    }
    assertThat(counter("trunkline.relay.control.dropped", "reason", "unauthenticated"))
        .isEqualTo(unauthenticated.size());
    assertThat(counter("trunkline.relay.control.dropped", "reason", "stale"))
        .isEqualTo(stale.size());
    assertThat(relay.sessions()).as("the tampered offer opened nothing").isZero();
  }

  @Test
  void aRetransmittedDeleteGetsTheFirstRepliesStatistics() throws Exception {
    MediaRelay relay = start(TestRelays.config(21900, 21999, 46, 100, false), Ticker.system());
    RelayClient client = client(relay);
    Phone caller = phone();
    Phone callee = phone();
    Call call = call(client, "call-bye", caller, callee);
    for (int i = 0; i < 7; i++) {
      caller.sendRtp(call.callerSendsTo().rtp(), i, i * 160L);
    }
    awaitCount(callee::rtpReceived, 7);

    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PHONE_ADDRESS, 0));
        DatagramSocket elsewhere = new DatagramSocket(new InetSocketAddress(PHONE_ADDRESS, 0))) {
      socket.setSoTimeout(5_000);
      elsewhere.setSoTimeout(5_000);
      String delete =
          "{\"cookie\":\"bye-1\",\"op\":\"delete\","
              + "\"callId\":\"call-bye\",\"fromTag\":\"caller-tag\"}";
      byte[] datagram = signed(delete);
      String first = exchange(socket, relay.controlAddress(), datagram);
      String again = exchange(socket, relay.controlAddress(), datagram);
      // A captured request replayed from another address is answered, not acted on again.
      String replayed = exchange(elsewhere, relay.controlAddress(), datagram);

      assertThat(first).contains("\"packets\":7");
      assertThat(again).isEqualTo(first);
      assertThat(replayed).isEqualTo(first);
      String fresh =
          exchange(socket, relay.controlAddress(), signed(delete.replace("bye-1", "bye-2")));
      assertThat(fresh).contains("\"reason\":\"unknown session\"");
    }
  }

  @Test
  void pingReportsTheZoneAndTheRoomLeft() throws Exception {
    MediaRelay relay = start(TestRelays.config(22000, 22099, 46, 10, false), Ticker.system());
    RelayClient client = client(relay);
    call(client, "one", phone(), phone());

    RelayHealth health = client.ping().get(5, TimeUnit.SECONDS);

    assertThat(health).isEqualTo(new RelayHealth("zone-a", "acme", 1, 10, 48));
  }

  @Test
  void aRestartedRelayFindsItsWholeRangeFree() throws Exception {
    RelayConfig config = TestRelays.config(22100, 22103, 46, 10, false);
    MediaRelay relay = MediaRelay.start(config, registry, Ticker.system());
    try (RelayClient client = RelayClient.open(relay.controlAddress(), SIGNER)) {
      call(client, "before-restart", phone(), phone());
    } finally {
      relay.close();
    }

    MediaRelay restarted = start(config, Ticker.system());
    RelayClient client = client(restarted);
    call(client, "after-restart", phone(), phone());
    assertThat(restarted.portsInUse()).isEqualTo(4);
  }

  @Test
  void exportsTheMetricNamesOfTheContract() throws Exception {
    start(TestRelays.config(22200, 22299, 46, 10, false), Ticker.system());

    assertThat(registry.scrape())
        .contains(
            "trunkline_relay_sessions{trunk=\"acme\"} 0",
            "trunkline_relay_ports_in_use{trunk=\"acme\"} 0",
            "trunkline_relay_packets_total{trunk=\"acme\"} 0",
            "trunkline_relay_bytes_total{trunk=\"acme\"} 0",
            "trunkline_relay_packets_lost_total{trunk=\"acme\"} 0",
            "trunkline_relay_jitter_seconds_bucket{trunk=\"acme\",le=\"0.02\"} 0",
            "trunkline_relay_media_dropped_total{reason=\"source\",trunk=\"acme\"} 0",
            "trunkline_relay_sessions_ended_total{reason=\"idle\",trunk=\"acme\"} 0",
            "trunkline_relay_offers_refused_total{reason=\"ports\",trunk=\"acme\"} 0",
            "trunkline_relay_control_dropped_total{reason=\"malformed\",trunk=\"acme\"} 0",
            "trunkline_relay_control_dropped_total{reason=\"unauthenticated\",trunk=\"acme\"} 0",
            "trunkline_relay_control_dropped_total{reason=\"stale\",trunk=\"acme\"} 0");
    // Every relay metric docs/metrics.md documents is served from the start, each series with
    // its documented labels: the contract the chart's alerts are tested on.
    DocumentedMetrics contract = DocumentedMetrics.read();
    List<Series> served = Series.ofScrape(registry.scrape());
    assertThat(contract.departures(served, Set.of())).isEmpty();
    assertThat(served.stream().map(Series::name).map(contract::metricOf).flatMap(Optional::stream))
        .containsAll(
            contract.names().stream().filter(name -> name.startsWith("trunkline_relay_")).toList());
  }

  /** Where each party sends: the addresses the proxy writes into the SDP it forwards. */
  private record Call(MediaEndpoint callerSendsTo, MediaEndpoint calleeSendsTo) {}

  private Call call(RelayClient client, String callId, Phone caller, Phone callee)
      throws Exception {
    MediaEndpoint calleeSendsTo =
        client.offer(callId, "caller-tag", caller.endpoint()).get(5, TimeUnit.SECONDS);
    MediaEndpoint callerSendsTo =
        client
            .answer(callId, "caller-tag", "callee-tag", callee.endpoint())
            .get(5, TimeUnit.SECONDS);
    assertThat(calleeSendsTo.rtp().getAddress().getHostAddress()).isEqualTo("127.0.0.3");
    assertThat(calleeSendsTo.rtp().getPort() % 2).isZero();
    assertThat(calleeSendsTo.rtcp().getPort()).isEqualTo(calleeSendsTo.rtp().getPort() + 1);
    assertThat(callerSendsTo).isNotEqualTo(calleeSendsTo);
    return new Call(callerSendsTo, calleeSendsTo);
  }

  private MediaRelay start(RelayConfig config, Ticker ticker) throws InterruptedException {
    MediaRelay relay = MediaRelay.start(config, registry, ticker);
    resources.push(relay);
    return relay;
  }

  private RelayClient client(MediaRelay relay) throws InterruptedException {
    RelayClient client = RelayClient.open(relay.controlAddress(), SIGNER);
    resources.push(client);
    return client;
  }

  private Phone phone() {
    Phone phone = new Phone(PHONE_ADDRESS);
    resources.push(phone);
    return phone;
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double dropped(String reason) {
    return counter("trunkline.relay.media.dropped", "reason", reason);
  }

  private static ConditionFactory waiting() {
    return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
  }

  private static void awaitCount(IntSupplier count, int expected) {
    waiting().until(() -> count.getAsInt() >= expected);
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

  private static void send(DatagramSocket socket, InetSocketAddress to, byte[] bytes)
      throws Exception {
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  /** A request as the trunk's proxies sign it. */
  private static byte[] signed(String json) {
    return SIGNER.signRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] signedAt(Duration offset, byte[] json) {
    return new ControlSigner(KEY, Clock.offset(Clock.systemUTC(), offset)).signRequest(json);
  }

  /** Sends a datagram and returns the JSON of the reply, whose signature must be the relay's. */
  private static String exchange(DatagramSocket socket, InetSocketAddress to, byte[] request)
      throws Exception {
    send(socket, to, request);
    DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
    socket.receive(reply);
    ControlSigner.Verification verification =
        SIGNER.verifyReply(reply.getData(), 0, reply.getLength());
    assertThat(verification).isInstanceOf(ControlSigner.Verification.Authentic.class);
    ControlSigner.Verification.Authentic json = (ControlSigner.Verification.Authentic) verification;
    return new String(reply.getData(), json.offset(), json.length(), StandardCharsets.UTF_8);
  }

  /** The next datagram, or null when none comes before the socket's timeout. */
  private static byte[] receiveAny(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException nothing) {
      return null;
    }
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }
}
