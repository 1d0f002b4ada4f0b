package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.ANNA_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.BEN;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.CARRIER_A;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios 1 and 2 of docs/scenarios.md through the proxy, with the real sipp as phones, PBX and
 * carrier: registration, calls between lines and out to the carrier, busy lines, quotas, blocked
 * and unknown destinations, CANCEL, BYE from either side, over UDP and TCP.
 */
class CallScenariosSippTest {

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @BeforeEach
  void start() throws Exception {
    trunk.channels = 2;
    trunk.start(work.resolve("trunk"));
  }

  @Test
  void registersWithDigestAndRefusesAWrongPasswordAfterTheChallenge() {
    SippResult registered =
        trunk
            .towardsProxy(TestTrunk.register("anna", ANNA_PASSWORD), ANNA_PHONE, SippTransport.UDP)
            .start(work)
            .await();
    SippResult refused =
        trunk
            .towardsProxy(
                Sipp.bundled("register-refused")
                    .calls(1)
                    .option("-s", "ben", "-au", "ben", "-ap", "wrong"),
                BEN_PHONE,
                SippTransport.UDP)
            .start(work)
            .await();

    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();
    assertThat(refused.allCallsSucceeded()).as(refused.toString()).isTrue();
    assertThat(trunk.proxy().metrics().rejected(RejectReason.AUTH)).isEqualTo(1);
  }

  @Test
  void bansASourceAfterRepeatedWrongPasswords() {
    String scanner = "127.0.0.66";
    SippResult guesses =
        trunk
            .towardsProxy(
                Sipp.bundled("register-refused")
                    .named("guesses")
                    .option("-s", "anna", "-au", "anna", "-ap", "guess"),
                scanner,
                SippTransport.UDP)
            .calls(5)
            .rate(5)
            .start(work)
            .await();
    SippResult banned =
        trunk
            .towardsProxy(
                Sipp.bundled("register-banned").option("-s", "anna"), scanner, SippTransport.UDP)
            .calls(1)
            .start(work)
            .await();
    SippResult elsewhere =
        trunk
            .towardsProxy(TestTrunk.register("anna", ANNA_PASSWORD), ANNA_PHONE, SippTransport.UDP)
            .start(work)
            .await();

    // Five wrong answers, each 403 after its challenge; then no challenge at all for that source,
    // while Anna's phone elsewhere still registers.
    assertThat(guesses.allCallsSucceeded()).as(guesses.toString()).isTrue();
    assertThat(banned.allCallsSucceeded()).as(banned.toString()).isTrue();
    assertThat(elsewhere.allCallsSucceeded()).as(elsewhere.toString()).isTrue();
  }

  @Test
  void callsARegisteredLineAndTheCallerHangsUp() throws Exception {
    int benPort = trunk.registerPhone("ben", BEN_PASSWORD, BEN_PHONE, work);
    try (SippProcess phone = answering(BEN_PHONE, benPort, "answer")) {
      SippResult call = annaCalls(BEN, "call-auth");
      SippResult answered = phone.await();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(answered.allCallsSucceeded()).as(answered.toString()).isTrue();
    }
    assertThat(trunk.proxy().activeDialogs()).isZero();
  }

  @Test
  void theCalledLineHangsUp() throws Exception {
    int benPort = trunk.registerPhone("ben", BEN_PASSWORD, BEN_PHONE, work);
    try (SippProcess phone = answering(BEN_PHONE, benPort, "hangup")) {
      SippResult call = pbxCalls(BEN, "call-hungup", SippTransport.UDP);
      SippResult hungUp = phone.await();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(hungUp.allCallsSucceeded()).as(hungUp.toString()).isTrue();
    }
    assertThat(trunk.proxy().activeDialogs()).isZero();
  }

  @Test
  void callsOutToTheCarrierOverTcp() throws Exception {
    try (SippProcess carrier = trunk.carrierAnswering(work)) {
      SippResult call = pbxCalls(NATIONAL, "call", SippTransport.TCP);

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
    }
  }

  @Test
  void refusesBlockedAndUnknownDestinations() throws Exception {
    SippResult blocked = refused(403, "+4990012345");
    SippResult unknown = refused(404, "+15550100");

    assertThat(blocked.allCallsSucceeded()).as(blocked.toString()).isTrue();
    assertThat(unknown.allCallsSucceeded()).as(unknown.toString()).isTrue();
    assertThat(trunk.proxy().metrics().rejected(RejectReason.BLOCKED)).isEqualTo(1);
    assertThat(trunk.proxy().metrics().rejected(RejectReason.NO_ROUTE)).isEqualTo(1);
  }

  @Test
  void refusesASecondCallToABusyLineWith486() throws Exception {
    int benPort = trunk.registerPhone("ben", BEN_PASSWORD, BEN_PHONE, work);
    try (SippProcess phone = answering(BEN_PHONE, benPort, "answer");
        SippProcess first = annaCallsHolding(BEN, 4000)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().activeDialogs() == 1);

      SippResult busy = refused(486, BEN);

      assertThat(busy.allCallsSucceeded()).as(busy.toString()).isTrue();
      assertThat(first.await().allCallsSucceeded()).isTrue();
      assertThat(phone.await().allCallsSucceeded()).isTrue();
    }
    assertThat(trunk.proxy().metrics().rejected(RejectReason.BUSY)).isEqualTo(1);
  }

  @Test
  void refusesTheCallOverTheTrunksChannelsWith503AndRetryAfterThenAcceptsAgain() throws Exception {
    try (SippProcess carrier = trunk.carrierAnswering(work);
        SippProcess held =
            trunk
                .towardsProxy(Sipp.bundled("call").named("held"), PBX, SippTransport.UDP)
                .calls(2)
                .rate(20)
                .variable("dest", NATIONAL)
                .option("-s", "pbx", "-d", "4000")
                .start(work)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().activeDialogs() == 2);

      SippResult overQuota = refused(503, NATIONAL);

      assertThat(overQuota.allCallsSucceeded()).as(overQuota.toString()).isTrue();
      assertThat(Files.readString(overQuota.messageLog())).contains("Retry-After: 5");
      assertThat(held.await().allCallsSucceeded()).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().channelsInUse() == 0);

      SippResult again = pbxCalls(NATIONAL, "call", SippTransport.UDP);

      assertThat(again.allCallsSucceeded()).as(again.toString()).isTrue();
    }
    assertThat(trunk.proxy().metrics().rejected(RejectReason.QUOTA)).isEqualTo(1);
  }

  @Test
  void cancelsACallThatIsStillRinging() throws Exception {
    int benPort = trunk.registerPhone("ben", BEN_PASSWORD, BEN_PHONE, work);
    try (SippProcess phone = answering(BEN_PHONE, benPort, "ring")) {
      SippResult cancelled = pbxCalls(BEN, "cancel", SippTransport.UDP);

      assertThat(cancelled.allCallsSucceeded()).as(cancelled.toString()).isTrue();
      assertThat(phone.await().allCallsSucceeded()).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> trunk.proxy().channelsInUse() == 0);
    assertThat(trunk.proxy().activeDialogs()).isZero();
  }

  @Test
  void absorbsRetransmittedInvites() throws Exception {
    String invite =
        """
        INVITE sip:%s@%s:%d SIP/2.0\r
        Via: SIP/2.0/UDP %s:5060;branch=z9hG4bK-retransmitted\r
        Max-Forwards: 70\r
        From: <sip:pbx@%s>;tag=pbx1\r
        To: <sip:%s@%s>\r
        Call-ID: retransmitted@%s\r
        CSeq: 1 INVITE\r
        Contact: <sip:pbx@%s:5060>\r
        Content-Length: 0\r
        \r
        """
            .formatted(
                NATIONAL,
                TestTrunk.PROXY,
                trunk.port,
                PBX,
                PBX,
                NATIONAL,
                TestTrunk.PROXY,
                PBX,
                PBX);
    List<String> toPbx = new ArrayList<>();
    int invitesAtCarrier;
    int invitesBeforeCopies;
    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress(PBX, 0));
        RingingCarrier carrier = new RingingCarrier(CARRIER_A, trunk.carrierA)) {
      CompletableFuture<Integer> invites =
          CompletableFuture.supplyAsync(() -> carrier.invitesWithin(Duration.ofSeconds(5)));
      // The proxy probes its carriers as it starts: started before this carrier listened, its
      // probe was refused, and a refusal read late fails the sends just before it too
      // (UdpPeerWatch), the INVITE among them. Started again now, its probe is answered.
      trunk.restart(work.resolve("trunk"));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  trunk
                          .proxy()
                          .metrics()
                          .registry()
                          .find("trunkline.carrier.up")
                          .tag("carrier", "carrier-a")
                          .gauge()
                      != null);
      byte[] bytes = invite.getBytes(StandardCharsets.US_ASCII);
      InetSocketAddress proxy = new InetSocketAddress(TestTrunk.PROXY, trunk.port);
      pbx.setSoTimeout(5_000);
      // The first copy gets the proxy's own 100 and then the carrier's 180. The copies sent only
      // once the 180 is here cannot race it: each must get the 180 again, the most recent
      // provisional response (RFC 3261 §17.2.1), and none may reach the carrier.
      pbx.send(new DatagramPacket(bytes, bytes.length, proxy));
      toPbx.add(statusLine(pbx));
      toPbx.add(statusLine(pbx));
      // The proxy may have sent the INVITE again (Timer A) had the 180 reached it late; that is
      // the same transaction. What must not reach the carrier is anything sent from here on.
      invitesBeforeCopies = carrier.invitesSoFar();
      for (int i = 0; i < 2; i++) {
        pbx.send(new DatagramPacket(bytes, bytes.length, proxy));
        toPbx.add(statusLine(pbx));
      }
      invitesAtCarrier = invites.get(10, TimeUnit.SECONDS);
    }

    assertThat(invitesBeforeCopies).isPositive();
    assertThat(invitesAtCarrier).isEqualTo(invitesBeforeCopies);
    assertThat(toPbx)
        .containsExactly(
            "SIP/2.0 100 Trying",
            "SIP/2.0 180 Ringing",
            "SIP/2.0 180 Ringing",
            "SIP/2.0 180 Ringing");
  }

  private static String statusLine(DatagramSocket socket) throws IOException {
    DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
    socket.receive(reply);
    String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
    return text.lines().findFirst().orElseThrow();
  }

  private SippProcess annaCallsHolding(String number, int holdMillis) {
    return trunk
        .towardsProxy(
            Sipp.bundled("call-auth").named("call-auth-held"), ANNA_PHONE, SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option(
            "-s", "anna", "-au", "anna", "-ap", ANNA_PASSWORD, "-d", Integer.toString(holdMillis))
        .start(work);
  }

  private SippProcess answering(String address, int port, String scenario) {
    return Sipp.bundled(scenario)
        .named(scenario + "-" + address)
        .local(address, port)
        .calls(1)
        .option("-d", "500")
        .timeout(Duration.ofSeconds(30))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  private SippResult annaCalls(String number, String scenario) {
    return trunk
        .towardsProxy(
            Sipp.bundled(scenario).named(scenario + "-anna"), ANNA_PHONE, SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option("-s", "anna", "-au", "anna", "-ap", ANNA_PASSWORD, "-d", "500")
        .start(work)
        .await();
  }

  private SippResult pbxCalls(String number, String scenario, SippTransport transport) {
    return trunk
        .towardsProxy(Sipp.bundled(scenario).named(scenario + "-pbx"), PBX, transport)
        .calls(1)
        .variable("dest", number)
        .option("-s", "pbx", "-d", "500")
        .start(work)
        .await();
  }

  private SippResult refused(int status, String number) throws Exception {
    return trunk
        .towardsProxy(
            TestTrunk.withStatus("refused", status, work.resolve("scenarios"))
                .named("refused-" + status),
            PBX,
            SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option("-s", "pbx")
        .start(work)
        .await();
  }
}
