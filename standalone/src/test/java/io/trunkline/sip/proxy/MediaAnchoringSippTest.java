package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.BEN;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.CARRIER_A;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trunkline.relay.MediaRelay;
import io.trunkline.relay.RelayConfig;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.rtp.RtpPhone;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media anchored on relays through the proxy (issue 4): RTP both ways through a relay with its loss
 * report, latching on a port the SDP did not name, a full relay refusing clearly, and a lost zone's
 * relay replaced at once by another zone's. A call whose media stopped both ways is ended by the
 * proxy with a BYE to each party, a call on hold is not (issue 14).
 */
class MediaAnchoringSippTest {

  private static final Pattern AUDIO =
      Pattern.compile("c=IN IP4 ([0-9.]+)\\r?\\n(?:.*\\r?\\n)*?m=audio ([0-9]+)");

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @Test
  void carriesRtpBothWaysThroughTheRelayAndReportsLoss() throws Exception {
    trunk.relayMedia = true;
    trunk.start(work.resolve("trunk"));
    try (RtpPhone pbxPhone = new RtpPhone(PBX, 0x1111);
        RtpPhone carrierPhone = new RtpPhone(CARRIER_A, 0x2222);
        SippProcess carrier = carrier(carrierPhone.port());
        SippProcess call =
            trunk
                .towardsProxy(Sipp.bundled("call-media"), PBX, SippTransport.UDP)
                .calls(1)
                .variable("dest", NATIONAL)
                // Latching: the PBX's SDP names a port nobody listens on; its RTP comes from
                // another one, which is where the relay must send the carrier's media.
                .variable("rtp_port", Integer.toString(LoopbackPorts.freePort(PBX)))
                .option("-s", "pbx", "-d", "3000")
                .start(work)) {
      InetSocketAddress relayForPbx;
      try {
        relayForPbx = audioAfter(call.messageLog(), "SIP/2.0 200 OK");
      } catch (ConditionTimeoutException noAnswer) {
        throw new AssertionError(
            "the call was not answered: " + call.await() + trunk.log(), noAnswer);
      }
      InetSocketAddress relayForCarrier = audioAfter(carrier.messageLog(), "INVITE sip:");

      // Both directions carry 100 packets; the PBX leaves out three sequence numbers.
      int fromPbx = pbxPhone.send(relayForPbx, 100, Set.of(10, 50, 90));
      int fromCarrier = carrierPhone.send(relayForCarrier, 100, Set.of());
      int atCarrier = carrierPhone.receive(fromPbx, Duration.ofSeconds(5));
      int atPbx = pbxPhone.receive(fromCarrier, Duration.ofSeconds(5));

      assertThat(relayForPbx.getPort()).isNotEqualTo(relayForCarrier.getPort());
      assertThat(atCarrier).isEqualTo(100);
      assertThat(atPbx).isEqualTo(100);
      SippResult done = call.await();
      assertThat(done.allCallsSucceeded()).as(done.toString()).isTrue();
    }
    // The call's record: 200 packets relayed, the three the PBX never sent counted as lost.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("trunkline_relay_packets_lost_total") == 3);
    assertThat(metric("trunkline_relay_packets_total")).isEqualTo(200);
    assertThat(trunk.edge().relay().sessions()).isZero();
  }

  @Test
  void endsACallWhoseMediaStoppedWithAByeToEachPartyAndTheCalledLineIsFreeAgain() throws Exception {
    trunk.relayMedia = true;
    trunk.silenceTimeoutSeconds = 2;
    trunk.start(work.resolve("trunk"));
    int benPort = registerBen();
    try (RtpPhone pbxPhone = new RtpPhone(PBX, 0x1111);
        RtpPhone benPhone = new RtpPhone(BEN_PHONE, 0x2222);
        SippProcess ben =
            Sipp.bundled("answer-media")
                .named("ben")
                .local(BEN_PHONE, benPort)
                .calls(1)
                .variable("rtp_port", Integer.toString(benPhone.port()))
                .timeout(Duration.ofSeconds(30))
                .start(work)
                .awaitListening(Duration.ofSeconds(10));
        SippProcess call =
            trunk
                .towardsProxy(Sipp.bundled("call-media-hungup"), PBX, SippTransport.UDP)
                .calls(1)
                .variable("dest", BEN)
                .variable("rtp_port", Integer.toString(pbxPhone.port()))
                .option("-s", "pbx")
                .start(work)) {
      InetSocketAddress relayForPbx;
      try {
        relayForPbx = audioAfter(call.messageLog(), "SIP/2.0 200 OK");
      } catch (ConditionTimeoutException noAnswer) {
        throw new AssertionError(
            "the call was not answered: " + call.await() + trunk.log(), noAnswer);
      }
      InetSocketAddress relayForBen = audioAfter(ben.messageLog(), "INVITE sip:");

      // Media flows both ways, then both parties fall silent, as phones that vanished do.
      pbxPhone.send(relayForPbx, 50, Set.of());
      benPhone.send(relayForBen, 50, Set.of());
      assertThat(benPhone.receive(50, Duration.ofSeconds(5))).isEqualTo(50);
      assertThat(pbxPhone.receive(50, Duration.ofSeconds(5))).isEqualTo(50);

      // Each side's scenario ends only once it has had a BYE and answered it.
      SippResult caller = call.await();
      SippResult called = ben.await();
      assertThat(caller.allCallsSucceeded()).as(caller + trunk.log()).isTrue();
      assertThat(called.allCallsSucceeded()).as(called + trunk.log()).isTrue();
      assertThat(Files.readString(caller.messageLog())).contains("Call ended by the trunk");
    }
    assertThat(trunk.proxy().metrics().endedCount("silence")).isOne();
    await().atMost(Duration.ofSeconds(5)).until(() -> trunk.edge().relay().sessions() == 0);
    assertThat(trunk.proxy().channelsInUse()).isZero();

    // Ben's one channel is his again: the next call rings and is answered, not 486 Busy Here.
    try (SippProcess answering =
        Sipp.bundled("answer")
            .named("ben-again")
            .local(BEN_PHONE, benPort)
            .calls(1)
            .timeout(Duration.ofSeconds(30))
            .start(work)
            .awaitListening(Duration.ofSeconds(10))) {
      SippResult again =
          trunk
              .towardsProxy(Sipp.bundled("call").named("call-again"), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", BEN)
              .option("-s", "pbx", "-d", "200")
              .start(work)
              .await();
      assertThat(again.allCallsSucceeded()).as(again.toString()).isTrue();
      assertThat(answering.await().allCallsSucceeded()).isTrue();
    }
  }

  @Test
  void leavesACallOnHoldAloneThoughItCarriesNoMedia() throws Exception {
    trunk.relayMedia = true;
    trunk.silenceTimeoutSeconds = 2;
    trunk.start(work.resolve("trunk"));
    try (SippProcess carrier =
        Sipp.bundled("answer-hold")
            .named("carrier-hold")
            .local(CARRIER_A, trunk.carrierA)
            // Its answers to the proxy's OPTIONS probes count as calls (-aa): room for them.
            .calls(100)
            .option("-aa")
            .timeout(Duration.ofSeconds(30))
            .start(work)
            .awaitListening(Duration.ofSeconds(10))) {
      // On hold at once (a=sendonly, answered a=recvonly), and not a packet for four timeouts:
      // the caller's own BYE must still find the call up at both ends, and get the carrier's 200.
      SippResult held =
          trunk
              .towardsProxy(Sipp.bundled("call-hold-quiet"), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx", "-d", "8000")
              .start(work)
              .await();

      assertThat(trunk.proxy().metrics().endedCount("silence")).as("ended for silence").isZero();
      assertThat(held.allCallsSucceeded()).as(held + trunk.log()).isTrue();
    }
  }

  @Test
  void refusesACallClearlyWhenTheRelayHasNoPortsLeftAndKeepsServing() throws Exception {
    trunk.relayMedia = true;
    trunk.rtpPortMin = 23_200;
    trunk.rtpPortMax = 23_203; // two RTP/RTCP pairs: one call's two legs
    trunk.start(work.resolve("trunk"));
    try (SippProcess carrier = carrier(LoopbackPorts.freePort(CARRIER_A));
        SippProcess held = call(3000, "held").start(work)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().activeDialogs() == 1);

      SippResult refused =
          trunk
              .towardsProxy(
                  TestTrunk.withStatus("refused", 503, work.resolve("s")), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx")
              .start(work)
              .await();

      assertThat(refused.allCallsSucceeded()).as(refused.toString()).isTrue();
      assertThat(Files.readString(refused.messageLog())).contains("Media Relay Unavailable");
      assertThat(held.await().allCallsSucceeded()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> trunk.edge().relay().portsInUse() == 0);

      SippResult again = call(100, "again").start(work).await();
      assertThat(again.allCallsSucceeded()).as(again.toString()).isTrue();
    }
  }

  @Test
  void endsACallCancelledWhileItsRelayIsStillBeingAsked() throws Exception {
    SimpleMeterRegistry relayMetrics = new SimpleMeterRegistry();
    try (MediaRelay relay = relay("127.0.0.20", "zone-a", relayMetrics);
        HeldRelayLink held =
            new HeldRelayLink(
                new InetSocketAddress("127.0.0.21", LoopbackPorts.freePort("127.0.0.21")),
                relay.controlAddress(),
                () -> trunk.proxy().channelsInUse() == 0,
                Duration.ofMillis(900))) {
      trunk.relayMedia = true;
      trunk.relays = List.of(held.address());
      trunk.start(work.resolve("trunk"));

      // The call holds its channel while its offer is out. The link passes the offer on only once
      // the channel is back, that is once the CANCEL, which follows the 100 at once, has ended
      // the call: the CANCEL gets 200 and the INVITE 487 while the relay is still being asked,
      // and nothing reaches a carrier. (The link gives up holding after 900 ms of the relay
      // client's 1 s, so a proxy that waited for the relay would fail below, not time out.)
      SippResult cancelled =
          trunk
              .towardsProxy(Sipp.bundled("cancel-at-once"), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx")
              .start(work)
              .await();

      assertThat(cancelled.allCallsSucceeded()).as(cancelled.toString() + trunk.log()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> trunk.proxy().channelsInUse() == 0);
      assertThat(held.passedOnUnmet()).as("the offer outlived the call it was for").isFalse();
      // The session the late offer opened is deleted as soon as its answer comes (not reaped
      // idle: that takes the relay 60 s).
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  relayMetrics
                              .get("trunkline.relay.sessions.ended")
                              .tag("reason", "deleted")
                              .counter()
                              .count()
                          == 1
                      && relay.sessions() == 0);
    }
  }

  @Test
  void movesNewCallsToAnotherZonesRelayWhenItsOwnZoneIsLost() throws Exception {
    MediaRelay zoneA = relay("127.0.0.20", "zone-a");
    try (MediaRelay zoneB = relay("127.0.0.21", "zone-b")) {
      trunk.relayMedia = true;
      trunk.zone = "zone-a";
      trunk.relays = List.of(zoneA.controlAddress(), zoneB.controlAddress());
      trunk.start(work.resolve("trunk"));
      try (SippProcess carrier = carrier(LoopbackPorts.freePort(CARRIER_A))) {
        AtomicReference<Integer> onA = new AtomicReference<>();
        try (SippProcess first = call(1500, "first").start(work)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().activeDialogs() == 1);
          onA.set(zoneA.sessions());
          assertThat(first.await().allCallsSucceeded()).isTrue();
        }
        zoneA.close();

        SippResult atOnce = call(100, "at-once").start(work).await();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    !trunk
                        .edge()
                        .proxy()
                        .media()
                        .pool()
                        .inRotation(trunk.edge().proxy().media().pool().relays().get(0)));
        SippResult afterPings = call(100, "after-pings").calls(3).start(work).await();

        // Zone A's relay took the first call (its own zone first); once it was gone, no call
        // failed: the next went to zone B at once, and the pings took A out of rotation.
        assertThat(onA.get()).isEqualTo(1);
        assertThat(atOnce.allCallsSucceeded()).as(atOnce.toString()).isTrue();
        assertThat(afterPings.allCallsSucceeded()).as(afterPings.toString()).isTrue();
      }
    } finally {
      zoneA.close();
    }
  }

  private Sipp call(int holdMillis, String name) {
    return trunk
        .towardsProxy(Sipp.bundled("call").named("call-" + name), PBX, SippTransport.UDP)
        .calls(1)
        .rate(10)
        .variable("dest", NATIONAL)
        .option("-s", "pbx", "-d", Integer.toString(holdMillis));
  }

  private SippProcess carrier(int rtpPort) {
    return Sipp.bundled("answer-media")
        .named("carrier")
        .local(CARRIER_A, trunk.carrierA)
        .calls(100)
        .variable("rtp_port", Integer.toString(rtpPort))
        .option("-aa")
        .timeout(Duration.ofSeconds(60))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  /** Registers Ben's line from his phone's address; his phone then answers on that port. */
  private int registerBen() {
    int port = LoopbackPorts.stablePort(BEN_PHONE);
    SippResult registered =
        TestTrunk.register("ben", BEN_PASSWORD)
            .local(BEN_PHONE, port)
            .remote(TestTrunk.PROXY, trunk.port)
            .start(work)
            .await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();
    return port;
  }

  /** A relay of its own, as on another machine, holding the trunk's key. */
  private MediaRelay relay(String address, String zone) throws Exception {
    return relay(address, zone, new SimpleMeterRegistry());
  }

  private MediaRelay relay(String address, String zone, MeterRegistry metrics) throws Exception {
    InetAddress host = InetAddress.getByName(address);
    return MediaRelay.start(
        new RelayConfig(
            new InetSocketAddress(host, 0),
            host,
            host,
            zone.equals("zone-a") ? 23_300 : 23_400,
            zone.equals("zone-a") ? 23_399 : 23_499,
            46,
            Duration.ofSeconds(60),
            100,
            false,
            zone,
            "office",
            trunk.relayControlKey),
        metrics);
  }

  /** The relay address in the first SDP after {@code start} in a sipp message log. */
  private static InetSocketAddress audioAfter(Path log, String start) {
    AtomicReference<InetSocketAddress> found = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              String text = Files.readString(log);
              int at = text.indexOf(start);
              if (at < 0) {
                return false;
              }
              Matcher audio = AUDIO.matcher(text.substring(at));
              if (!audio.find()) {
                return false;
              }
              found.set(new InetSocketAddress(audio.group(1), Integer.parseInt(audio.group(2))));
              return true;
            });
    return found.get();
  }

  private double metric(String name) throws Exception {
    return trunk
        .metrics()
        .lines()
        .filter(line -> line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
