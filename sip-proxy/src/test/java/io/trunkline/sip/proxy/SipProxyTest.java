package io.trunkline.sip.proxy;

import static io.trunkline.sip.OfficeTrunk.BEN;
import static io.trunkline.sip.OfficeTrunk.BEN_PASSWORD;
import static io.trunkline.sip.OfficeTrunk.CARRIER_A;
import static io.trunkline.sip.OfficeTrunk.CARRIER_B;
import static io.trunkline.sip.OfficeTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.sip.OfficeTrunk;
import io.trunkline.sip.auth.DigestClient;
import io.trunkline.sip.config.Snapshot;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.proxy.ProxyHarness.Sent;
import io.trunkline.sip.transport.CallWorkers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher and its stages fed SIP text: checks every request meets, the registrar, admission
 * against the quotas and where calls go. Fast and without sockets; the sipp tests prove the same
 * with the real peer.
 */
class SipProxyTest {

  private static final InetSocketAddress FROM_PBX = new InetSocketAddress(PBX, 5060);
  private static final InetSocketAddress BEN_PHONE = new InetSocketAddress("127.0.0.3", 5070);

  /** The key the harness's pool shares ({@link ProxyHarness}). */
  private static final byte[] POOL = new byte[32];

  private ProxyHarness harness = new ProxyHarness(OfficeTrunk.snapshot(4, 0));

  @AfterEach
  void close() {
    harness.close();
  }

  /** The same office with other quotas; the proxy made before is closed first. */
  private void quotas(int channels, int callsPerSecond) {
    harness.close();
    harness = new ProxyHarness(OfficeTrunk.snapshot(channels, callsPerSecond));
  }

  @Test
  void answersOptionsWithWhatItAllows() {
    Sent ok = only(harness.receive(request("OPTIONS", "sip:127.0.0.1", "o1"), FROM_PBX));

    assertThat(ok.firstLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(ok.hasHeader("Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,REGISTER")).isTrue();
    assertThat(ok.hasHeader("Accept: application/sdp")).isTrue();
    assertThat(ok.to()).isEqualTo(FROM_PBX);
  }

  @Test
  void refusesARequestWithNoHopsLeftAndAMethodItDoesNotServe() {
    String spent = invite("+4930555000", "m1").replace("Max-Forwards: 70", "Max-Forwards: 0");
    assertThat(only(harness.receive(spent, FROM_PBX)).firstLine())
        .isEqualTo("SIP/2.0 483 Too many hops");

    Sent refused = only(harness.receive(request("PUBLISH", "sip:x@127.0.0.1", "p1"), FROM_PBX));
    assertThat(refused.firstLine()).startsWith("SIP/2.0 405");
    assertThat(refused.hasHeader("Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,REGISTER")).isTrue();
  }

  @Test
  void forwardsAPbxCallToTheFirstCarrierOfItsRoute() {
    List<Sent> out = harness.receive(invite("+4930555000", "c1"), FROM_PBX);

    assertThat(out).hasSize(2);
    assertThat(out.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
    Sent forwarded = out.get(1);
    assertThat(forwarded.to()).isEqualTo(new InetSocketAddress(CARRIER_A, 5060));
    // §16.6: new Request-URI (a telephone number, RFC 3966), Max-Forwards down by one, this
    // proxy's Record-Route and its Via on top of the PBX's.
    assertThat(forwarded.firstLine())
        .isEqualTo("INVITE sip:+4930555000@127.0.0.10:5060;user=phone SIP/2.0");
    assertThat(forwarded.hasHeader("Max-Forwards: 69")).isTrue();
    assertThat(forwarded.hasHeader("Record-Route: <sip:127.0.0.1:5060;lr>")).isTrue();
    assertThat(forwarded.text())
        .containsPattern(
            "\r\nVia: SIP/2\\.0/UDP 127\\.0\\.0\\.1:5060;branch=z9hG4bKtl[^,]*;rport,"
                + "SIP/2\\.0/UDP 127\\.0\\.0\\.5:5060;branch=z9hG4bK-c1\r\n");
    assertThat(harness.proxy.channelsInUse()).isOne();
  }

  @Test
  void refusesBlockedDestinationsAndStrangers() {
    assertThat(only(harness.receive(invite("+49900123", "b1"), FROM_PBX)).firstLine())
        .isEqualTo("SIP/2.0 403 Blocked");
    Sent stranger =
        only(
            harness.receive(invite("+4930555000", "s1"), new InetSocketAddress("127.0.0.9", 5060)));
    assertThat(stranger.firstLine()).isEqualTo("SIP/2.0 403 Source Not Allowed");

    assertThat(harness.metrics.rejected(RejectReason.BLOCKED)).isEqualTo(1);
    assertThat(harness.metrics.rejected(RejectReason.AUTH)).isEqualTo(1);
    assertThat(harness.proxy.channelsInUse()).isZero();
  }

  /**
   * A pod that has just started hands over a PBX call before this proxy has found it by name: its
   * seal makes it a member at once, so the call is the PBX's, not a stranger's from a pod address.
   */
  @Test
  void servesACallHandedOverByAMemberNotFoundYetWhenItsSealHolds() {
    InetSocketAddress newPod = new InetSocketAddress("127.0.0.30", 5060);
    List<Sent> out = harness.receive(handedOver(invite("+4930555000", "h1"), newPod, POOL), newPod);

    assertThat(out.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
    assertThat(out.get(0).to()).as("back through the pod").isEqualTo(newPod);
    assertThat(out.get(1).to()).isEqualTo(new InetSocketAddress(CARRIER_A, 5060));
    assertThat(harness.proxy.channelsInUse()).isOne();
    assertThat(harness.metrics.sealedHandOverCount()).isOne();
    assertThat(harness.metrics.unknownMemberCount()).isZero();

    byte[] otherPool = POOL.clone();
    otherPool[0] = 1;
    Sent refused =
        only(harness.receive(handedOver(invite("+4930555000", "h2"), newPod, otherPool), newPod));
    assertThat(refused.firstLine()).isEqualTo("SIP/2.0 403 Source Not Allowed");
  }

  /** {@code text}, a PBX's request, as the member at {@code member} hands it over. */
  private String handedOver(String text, InetSocketAddress member, byte[] poolKey) {
    ParseResult parsed =
        new SipParser().parse(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    SentMessages sent = new SentMessages();
    new RequestForwarder(
            new SipProxy.Settings(member.getHostString(), 5060, 5061),
            sent,
            new Members(member, List.of()),
            new HandOverSeal(poolKey, harness.clock))
        .handOver((SIPRequest) ((ParseResult.Parsed) parsed).message(), FROM_PBX);
    return sent.request(0).encode().replace("\r\n", "\n");
  }

  @Test
  void refusesTheCallOverTheTrunksChannelsWithRetryAfter() {
    quotas(1, 0);
    harness.receive(invite("+4930555000", "q1"), FROM_PBX);

    Sent full = only(harness.receive(invite("+4930555001", "q2"), FROM_PBX));

    assertThat(full.firstLine()).isEqualTo("SIP/2.0 503 Trunk Channels In Use");
    assertThat(full.hasHeader("Retry-After: 5")).isTrue();
    assertThat(harness.metrics.rejected(RejectReason.QUOTA)).isEqualTo(1);
    assertThat(harness.proxy.channelsInUse()).isOne();
  }

  @Test
  void admitsCallsAtTheTrunksRateAndNoFaster() {
    quotas(10, 1);
    harness.receive(invite("+4930555000", "r1"), FROM_PBX);

    Sent tooSoon = only(harness.receive(invite("+4930555001", "r2"), FROM_PBX));
    harness.advanceSeconds(1);
    List<Sent> later = harness.receive(invite("+4930555002", "r3"), FROM_PBX);

    assertThat(tooSoon.firstLine()).isEqualTo("SIP/2.0 503 Call Rate Exceeded");
    assertThat(tooSoon.hasHeader("Retry-After: 1")).isTrue();
    assertThat(later.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
  }

  @Test
  void refusesNewCallsWhileTheirWorkerRunsBehindButNeverAnEmergencyCall() throws Exception {
    Snapshot office = OfficeTrunk.snapshot(4, 0);
    CountDownLatch busy = new CountDownLatch(1);
    // The worker stuck on one task with more than the bound (the default's) waiting behind it.
    ThreadPoolExecutor worker = stuckWorker(busy, office.config().overload().maxBacklog() + 1);
    try {
      harness.close();
      harness = new ProxyHarness(office, new CallWorkers(List.of(worker)));

      Sent overloaded = only(harness.receive(invite("+4930555000", "o1"), FROM_PBX));
      List<Sent> emergency = harness.receive(invite("112", "o2"), FROM_PBX);
      busy.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.getQueue().isEmpty());
      List<Sent> caughtUp = harness.receive(invite("+4930555001", "o3"), FROM_PBX);

      assertThat(overloaded.firstLine()).isEqualTo("SIP/2.0 503 Overloaded");
      assertThat(overloaded.hasHeader("Retry-After: 2")).isTrue();
      assertThat(harness.metrics.rejected(RejectReason.OVERLOAD)).isOne();
      assertThat(emergency.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
      assertThat(emergency.get(1).to()).isEqualTo(new InetSocketAddress(CARRIER_B, 5060));
      assertThat(caughtUp.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
    } finally {
      busy.countDown();
      worker.shutdownNow();
    }
  }

  @Test
  void refusesNewCallsBeyondTheTrunksOwnBacklogBoundAndFollowsItsChanges() throws Exception {
    // A small machine's trunk: spec.overload.maxBacklog far below the default.
    AtomicReference<Snapshot> served =
        new AtomicReference<>(OfficeTrunk.snapshot(4, 0, new TrunkConfig.Overload(10)));
    CountDownLatch busy = new CountDownLatch(1);
    ThreadPoolExecutor worker = stuckWorker(busy, 10);
    try {
      harness.close();
      harness = new ProxyHarness(served::get, new CallWorkers(List.of(worker)));

      List<Sent> atTheBound = harness.receive(invite("+4930555000", "b1"), FROM_PBX);
      worker.execute(() -> {});
      Sent beyond = only(harness.receive(invite("+4930555001", "b2"), FROM_PBX));
      // The bound raised back to the default on the running proxy: the same backlog passes.
      served.set(OfficeTrunk.snapshot(4, 0));
      List<Sent> raised = harness.receive(invite("+4930555002", "b3"), FROM_PBX);

      assertThat(atTheBound.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
      assertThat(beyond.firstLine()).isEqualTo("SIP/2.0 503 Overloaded");
      assertThat(raised.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
      assertThat(harness.metrics.rejected(RejectReason.OVERLOAD)).isOne();
    } finally {
      busy.countDown();
      worker.shutdownNow();
    }
  }

  /** A call worker stuck on one task until {@code busy} opens, {@code waiting} tasks behind it. */
  private static ThreadPoolExecutor stuckWorker(CountDownLatch busy, int waiting) {
    ThreadPoolExecutor worker =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    worker.execute(
        () -> {
          try {
            busy.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    for (int task = 0; task < waiting; task++) {
      worker.execute(() -> {});
    }
    return worker;
  }

  @Test
  void registersALineWithDigestThenRingsItsPhoneForACallFromThePbx() {
    assertThat(only(harness.receive(invite(BEN, "n1"), FROM_PBX)).firstLine())
        .isEqualTo("SIP/2.0 480 Not Registered");

    Sent challenge = only(harness.receive(register("ben", "r1", null), BEN_PHONE));
    assertThat(challenge.firstLine()).isEqualTo("SIP/2.0 401 Unauthorized");
    Matcher first = Pattern.compile("WWW-Authenticate: (Digest [^\r]*)").matcher(challenge.text());
    assertThat(first.find()).isTrue();
    String authorization =
        DigestClient.answer(
                first.group(1), "REGISTER", "sip:127.0.0.1", new Login("ben", BEN_PASSWORD))
            .orElseThrow();
    Sent registered = only(harness.receive(register("ben", "r2", authorization), BEN_PHONE));
    assertThat(registered.firstLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(grantedExpiries(registered))
        .singleElement()
        .satisfies(e -> assertThat(e).isBetween(2880, 3600));

    List<Sent> call = harness.receive(invite(BEN, "n2"), FROM_PBX);
    assertThat(call.get(1).to()).isEqualTo(BEN_PHONE);
    assertThat(call.get(1).firstLine()).isEqualTo("INVITE sip:ben@127.0.0.3:5070 SIP/2.0");
  }

  @Test
  void grantsEachBindingBetween80And100PercentOfItsExpiresSoRefreshesSpread() {
    StringBuilder contacts = new StringBuilder();
    for (int phone = 0; phone < 10; phone++) {
      contacts.append("Contact: <sip:ben@127.0.0.3:").append(5070 + phone).append(">\n");
    }
    // 3600 s asked (the default): 2880 to 3600 granted; 60 s, the minimum, is never shortened.
    contacts.append("Contact: <sip:ben@127.0.0.3:6000>;expires=60\n");
    String many =
        register("ben", "j1", null).replace("Contact: <sip:ben@127.0.0.3:5070>\n", contacts);
    Sent challenge = only(harness.receive(many, BEN_PHONE));
    Matcher digest = Pattern.compile("WWW-Authenticate: (Digest [^\r]*)").matcher(challenge.text());
    assertThat(digest.find()).isTrue();
    String authorization =
        DigestClient.answer(
                digest.group(1), "REGISTER", "sip:127.0.0.1", new Login("ben", BEN_PASSWORD))
            .orElseThrow();

    Sent registered =
        only(
            harness.receive(
                register("ben", "j2", authorization)
                    .replace("Contact: <sip:ben@127.0.0.3:5070>\n", contacts),
                BEN_PHONE));

    assertThat(registered.firstLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(registered.text()).contains("<sip:ben@127.0.0.3:6000>;expires=60");
    List<Integer> granted = grantedExpiries(registered).stream().filter(e -> e != 60).toList();
    assertThat(granted).hasSize(10).allSatisfy(e -> assertThat(e).isBetween(2880, 3600));
    assertThat(granted.stream().distinct().count()).isGreaterThan(1);
  }

  @Test
  void refusesARegistrationForSomeoneItDoesNotServe() {
    assertThat(only(harness.receive(register("mallory", "u1", null), BEN_PHONE)).firstLine())
        .isEqualTo("SIP/2.0 404 Not found");
  }

  @Test
  void answersACancelForNoKnownCallWith481() {
    String cancel =
        invite("+4930555000", "x1")
            .replace("INVITE sip:", "CANCEL sip:")
            .replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL");
    assertThat(only(harness.receive(cancel, FROM_PBX)).firstLine()).startsWith("SIP/2.0 481");
  }

  @Test
  void aCallLongerThanTheTrunksMaximumIsEndedWithAByeToEachParty() throws Exception {
    answeredCall();
    int before = harness.sentCount();
    harness.proxy.start();

    // The office trunk's maximum is an hour; the chores look every second.
    harness.clock.advance(Duration.ofMinutes(61));

    // Counted last, once both BYEs are out (DialogEnder).
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.metrics.endedCount("duration") == 1);
    List<InetSocketAddress> byes =
        harness.sentSince(before).stream()
            .filter(m -> m.firstLine().startsWith("BYE"))
            .map(Sent::to)
            .distinct()
            .toList();
    assertThat(byes).containsExactlyInAnyOrder(new InetSocketAddress(CARRIER_A, 5060), FROM_PBX);
    assertThat(harness.proxy.channelsInUse()).isZero();
    assertThat(harness.proxy.activeDialogs()).isZero();
  }

  @Test
  void aDrainingProxyEndsACallStillUpAtItsBoundWithAByeToEachParty() throws Exception {
    answeredCall();
    int before = harness.sentCount();

    assertThat(harness.proxy.drain(Duration.ZERO)).isOne();

    // Each once, retransmissions (Timer E, while the parties do not answer here) aside.
    List<Sent> byes =
        harness.sentSince(before).stream()
            .filter(m -> m.firstLine().startsWith("BYE"))
            .distinct()
            .toList();
    assertThat(byes).hasSize(2);
    Sent toCarrier =
        byes.stream()
            .filter(b -> b.to().getPort() == 5060 && b.to().getHostString().equals(CARRIER_A))
            .findFirst()
            .orElseThrow();
    assertThat(toCarrier.firstLine()).isEqualTo("BYE sip:carrier@127.0.0.10:5060 SIP/2.0");
    assertThat(toCarrier.hasHeader("From: <sip:pbx@127.0.0.5>;tag=f-d1")).isTrue();
    assertThat(toCarrier.hasHeader("To: <sip:+4930555000@127.0.0.1>;tag=carrier-1")).isTrue();
    assertThat(toCarrier.hasHeader("CSeq: 2 BYE")).isTrue();
    Sent toPbx = byes.stream().filter(b -> b.to().equals(FROM_PBX)).findFirst().orElseThrow();
    assertThat(toPbx.firstLine()).isEqualTo("BYE sip:pbx@127.0.0.5:5060 SIP/2.0");
    assertThat(toPbx.hasHeader("From: <sip:+4930555000@127.0.0.1>;tag=carrier-1")).isTrue();
    assertThat(toPbx.hasHeader("To: <sip:pbx@127.0.0.5>;tag=f-d1")).isTrue();
    assertThat(harness.proxy.channelsInUse()).isZero();
    assertThat(harness.proxy.activeDialogs()).isZero();
    assertThat(harness.metrics.endedCount("drain")).isOne();
  }

  /**
   * The dialog keeps each party's headers as text (decision 0033) and parses them again to end the
   * call: each BYE goes through that party's own proxies (§12.2.1.1), the callee's in the 2xx's
   * order reversed, after this proxy's entry, and the caller's as its INVITE listed them.
   */
  @Test
  void aCallTheProxyEndsGoesThroughEachPartysOwnProxies() throws Exception {
    String invite =
        invite("+4930555000", "d1")
            .replace(
                "Max-Forwards: 70\n",
                "Max-Forwards: 70\nRecord-Route: <sip:sbc.pbx.example;lr>,"
                    + " <sip:edge.pbx.example;lr>\n");
    Sent forwarded = harness.receive(invite, FROM_PBX).get(1);
    String answer =
        carrierOk(
            forwarded,
            "1 INVITE",
            "Record-Route: <sip:inner.carrier.example;lr>, <sip:edge.carrier.example;lr>,"
                + " <sip:127.0.0.1:5060;lr>, <sip:sbc.pbx.example;lr>,"
                + " <sip:edge.pbx.example;lr>\n"
                + "Contact: <sip:carrier@127.0.0.10:5060;transport=udp>\n");
    harness.receive(answer, new InetSocketAddress(CARRIER_A, 5060));
    int before = harness.sentCount();

    assertThat(harness.proxy.drain(Duration.ZERO)).isOne();

    List<Sent> byes =
        harness.sentSince(before).stream().filter(m -> m.firstLine().startsWith("BYE")).toList();
    Sent toCarrier = byes.stream().filter(b -> !b.to().equals(FROM_PBX)).findFirst().orElseThrow();
    assertThat(toCarrier.firstLine())
        .isEqualTo("BYE sip:carrier@127.0.0.10:5060;transport=udp SIP/2.0");
    assertThat(
            toCarrier.hasHeader(
                "Route: <sip:edge.carrier.example;lr>,<sip:inner.carrier.example;lr>"))
        .isTrue();
    assertThat(toCarrier.text()).doesNotContain("pbx.example");
    Sent toPbx = byes.stream().filter(b -> b.to().equals(FROM_PBX)).findFirst().orElseThrow();
    assertThat(toPbx.firstLine()).isEqualTo("BYE sip:pbx@127.0.0.5:5060 SIP/2.0");
    assertThat(toPbx.hasHeader("Route: <sip:sbc.pbx.example;lr>,<sip:edge.pbx.example;lr>"))
        .isTrue();
    assertThat(toPbx.text()).doesNotContain("carrier.example");
    assertThat(toPbx.hasHeader("From: <sip:+4930555000@127.0.0.1>;tag=carrier-1")).isTrue();
    assertThat(toPbx.hasHeader("To: <sip:pbx@127.0.0.5>;tag=f-d1")).isTrue();
  }

  @Test
  void anEmergencyCallIsHeardFromABannedPbxButNotFromABannedScannerElsewhere() {
    InetSocketAddress scanner = new InetSocketAddress("127.0.0.9", 5060);
    guessBensPassword(FROM_PBX, "p");
    guessBensPassword(scanner, "s");

    List<Sent> emergency = harness.receive(invite("112", "e1"), FROM_PBX);
    Sent ordinary = only(harness.receive(invite("+4930555000", "e2"), FROM_PBX));
    Sent fromScanner = only(harness.receive(invite("112", "e3"), scanner));

    assertThat(emergency).hasSize(2);
    assertThat(emergency.get(0).firstLine()).isEqualTo("SIP/2.0 100 Trying");
    assertThat(emergency.get(1).to()).isEqualTo(new InetSocketAddress(CARRIER_B, 5060));
    assertThat(emergency.get(1).firstLine())
        .isEqualTo("INVITE sip:112@127.0.0.11:5060;user=phone SIP/2.0");
    assertThat(ordinary.firstLine()).isEqualTo("SIP/2.0 403 Too Many Failed Attempts");
    assertThat(fromScanner.firstLine()).isEqualTo("SIP/2.0 403 Too Many Failed Attempts");
    assertThat(harness.metrics.emergencyCallCount()).isOne();
  }

  @Test
  void anEmergencyCallPassesAFullTrunkAndASpentRateButNotTheExtraChannels() {
    // One channel, one call per second, one emergency channel beyond them.
    quotas(1, 1);
    harness.receive(invite("+4930555000", "f1"), FROM_PBX);

    Sent overRate = only(harness.receive(invite("+4930555001", "f2"), FROM_PBX));
    List<Sent> emergency = harness.receive(invite("1-1-0", "f3"), FROM_PBX);
    Sent beyondTheExtra = only(harness.receive(invite("112", "f4"), FROM_PBX));

    assertThat(overRate.firstLine()).isEqualTo("SIP/2.0 503 Call Rate Exceeded");
    assertThat(emergency.get(1).firstLine())
        .isEqualTo("INVITE sip:110@127.0.0.11:5060;user=phone SIP/2.0");
    assertThat(beyondTheExtra.firstLine()).isEqualTo("SIP/2.0 503 Trunk Channels In Use");
    assertThat(harness.proxy.channelsInUse()).isEqualTo(2);
  }

  /**
   * A call that is up holds none of its messages either: its dialog keeps only the headers that
   * ending it takes (decision 0033), where it held the INVITE and the 2xx for the call's length.
   */
  @Test
  void anAnsweredCallHoldsNoneOfItsMessagesWhileItIsUp() {
    answeredCall();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(harness.receivedStillHeld()).isZero());
    assertThat(harness.proxy.activeDialogs()).isOne();
  }

  /**
   * A call's transactions linger for 64 x T1 after it ends (Timers J and M; RFC 6026 §8.4), far
   * longer than the call took: they keep what answering retransmissions takes, never the call's
   * parsed messages, which at a thousand calls a second filled the heap (decision 0026).
   */
  @Test
  void aCallsLingeringTransactionsHoldNoneOfItsMessagesYetStillAnswerRetransmissions() {
    String answer = answeredCall();
    String bye =
        "BYE sip:carrier@127.0.0.10:5060 SIP/2.0\n"
            + "Via: SIP/2.0/UDP 127.0.0.5:5060;branch=z9hG4bK-d1-bye\n"
            + "Max-Forwards: 70\n"
            + "Route: <sip:127.0.0.1:5060;lr>\n"
            + "From: <sip:pbx@127.0.0.5>;tag=f-d1\n"
            + "To: <sip:+4930555000@127.0.0.1>;tag=carrier-1\n"
            + "Call-ID: d1@127.0.0.5\n"
            + "CSeq: 2 BYE\n"
            + "Content-Length: 0\n\n";
    Sent byeOut = only(harness.receive(bye, FROM_PBX));
    assertThat(byeOut.firstLine()).isEqualTo("BYE sip:carrier@127.0.0.10:5060 SIP/2.0");
    String byeOk = carrierOk(byeOut, "2 BYE", "");
    assertThat(only(harness.receive(byeOk, new InetSocketAddress(CARRIER_A, 5060))).to())
        .isEqualTo(FROM_PBX);
    assertThat(harness.proxy.activeDialogs()).isZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(harness.receivedStillHeld()).isZero());

    // Still lingering: the BYE's copy gets its 200 again, the answer's copy goes up again.
    Sent byeAgain = only(harness.receive(bye, FROM_PBX));
    assertThat(byeAgain.firstLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(byeAgain.to()).isEqualTo(FROM_PBX);
    Sent answerAgain = only(harness.receive(answer, new InetSocketAddress(CARRIER_A, 5060)));
    assertThat(answerAgain.firstLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(answerAgain.to()).isEqualTo(FROM_PBX);
  }

  /** Five wrong answers to the registrar's challenges from {@code source} ban it. */
  private void guessBensPassword(InetSocketAddress source, String id) {
    for (int i = 0; i < 5; i++) {
      Sent challenge = only(harness.receive(register("ben", id + i + "a", null), source));
      Matcher digest =
          Pattern.compile("WWW-Authenticate: (Digest [^\r]*)").matcher(challenge.text());
      assertThat(digest.find()).isTrue();
      String wrong =
          DigestClient.answer(
                  digest.group(1), "REGISTER", "sip:127.0.0.1", new Login("ben", "guess"))
              .orElseThrow();
      assertThat(only(harness.receive(register("ben", id + i + "b", wrong), source)).firstLine())
          .startsWith("SIP/2.0 403");
    }
  }

  /** A PBX call answered by carrier A: one dialog, up. Returns the carrier's answer. */
  private String answeredCall() {
    Sent forwarded = harness.receive(invite("+4930555000", "d1"), FROM_PBX).get(1);
    String answer =
        carrierOk(
            forwarded,
            "1 INVITE",
            "Record-Route: <sip:127.0.0.1:5060;lr>\nContact: <sip:carrier@127.0.0.10:5060>\n");
    harness.receive(answer, new InetSocketAddress(CARRIER_A, 5060));
    assertThat(harness.proxy.activeDialogs()).isOne();
    return answer;
  }

  /**
   * Carrier A's 200 OK in call d1 to a request the proxy sent it, with the request's Vias, the
   * call's tags, {@code cseq} and {@code headers} (whole lines).
   */
  private static String carrierOk(Sent request, String cseq, String headers) {
    String vias =
        request.text().lines().filter(l -> l.startsWith("Via: ")).findFirst().orElseThrow();
    return "SIP/2.0 200 OK\n"
        + vias
        + "\n"
        + headers
        + "From: <sip:pbx@127.0.0.5>;tag=f-d1\n"
        + "To: <sip:+4930555000@127.0.0.1>;tag=carrier-1\n"
        + "Call-ID: d1@127.0.0.5\n"
        + "CSeq: "
        + cseq
        + "\n"
        + "Content-Length: 0\n\n";
  }

  private static Sent only(List<Sent> sent) {
    assertThat(sent).hasSize(1);
    return sent.get(0);
  }

  private static String invite(String number, String id) {
    return request("INVITE", "sip:" + number + "@127.0.0.1", id);
  }

  private static String request(String method, String uri, String id) {
    return method
        + " "
        + uri
        + " SIP/2.0\n"
        + "Via: SIP/2.0/UDP 127.0.0.5:5060;branch=z9hG4bK-"
        + id
        + "\n"
        + "Max-Forwards: 70\n"
        + "From: <sip:pbx@127.0.0.5>;tag=f-"
        + id
        + "\n"
        + "To: <"
        + uri
        + ">\n"
        + "Call-ID: "
        + id
        + "@127.0.0.5\n"
        + "CSeq: 1 "
        + method
        + "\n"
        + "Contact: <sip:pbx@127.0.0.5:5060>\n"
        + "Content-Length: 0\n\n";
  }

  /** The expires= of each Contact a 200 to a REGISTER lists. */
  private static List<Integer> grantedExpiries(Sent registered) {
    Matcher expires = Pattern.compile("<sip:[^>]*>;expires=(\\d+)").matcher(registered.text());
    List<Integer> granted = new ArrayList<>();
    while (expires.find()) {
      granted.add(Integer.parseInt(expires.group(1)));
    }
    return granted;
  }

  private static String register(String user, String id, String authorization) {
    return "REGISTER sip:127.0.0.1 SIP/2.0\n"
        + "Via: SIP/2.0/UDP 127.0.0.3:5070;branch=z9hG4bK-"
        + id
        + "\n"
        + "Max-Forwards: 70\n"
        + "From: <sip:"
        + user
        + "@127.0.0.1>;tag=f-"
        + id
        + "\n"
        + "To: <sip:"
        + user
        + "@127.0.0.1>\n"
        + "Call-ID: reg-"
        + user
        + "@127.0.0.3\n"
        + "CSeq: "
        + (id.endsWith("2") ? 2 : 1)
        + " REGISTER\n"
        + "Contact: <sip:"
        + user
        + "@127.0.0.3:5070>\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\n")
        + "Content-Length: 0\n\n";
  }
}
