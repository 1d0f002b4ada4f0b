package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.CARRIER_A;
import static io.trunkline.sip.proxy.TestTrunk.CARRIER_B;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carrier failover (scenario 3): carrier A is primary, B takes over when A is found down by probes,
 * answers 503, or sends no provisional response within the trunk's INVITE timeout.
 */
class FailoverSippTest {

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @Test
  void skipsACarrierThatProbesFoundDown() throws Exception {
    trunk.probeIntervalSeconds = 1;
    trunk.downAfter = 2;
    try (SilentCarrier deadA = new SilentCarrier(CARRIER_A, trunk.carrierA);
        SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));
      await().atMost(Duration.ofSeconds(15)).until(() -> !trunk.proxy().carrierUp("carrier-a"));

      SippResult call = call();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(deadA.methods()).isNotEmpty().containsOnly("OPTIONS");
      assertThat(trunk.proxy().carrierUp("carrier-b")).isTrue();
    }
  }

  @Test
  void movesOnWhenTheCarrierAnswers503() throws Exception {
    try (SippProcess a =
            carrier(
                TestTrunk.withStatus("decline", 503, work.resolve("s")),
                CARRIER_A,
                trunk.carrierA);
        SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult call = call();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(Files.readString(a.messageLog())).contains("SIP/2.0 503 Refused");
    }
  }

  @Test
  void movesOnWhenTheCarrierSendsNoProvisionalInTime() throws Exception {
    trunk.inviteTimeoutMillis = 500;
    try (SilentCarrier silentA = new SilentCarrier(CARRIER_A, trunk.carrierA);
        SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult call = call();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(silentA.methods()).contains("INVITE");
    }
  }

  @Test
  void laterCallsGoStraightToTheBackupOnceTheSilentPrimaryTimedOut() throws Exception {
    trunk.inviteTimeoutMillis = 1000;
    try (SilentCarrier silentA = new SilentCarrier(CARRIER_A, trunk.carrierA);
        SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult first = call();
      long invitesAtA = invites(silentA);
      SippResult later = calls(3);

      // The first call paid the INVITE timeout and went to B; the ones after it never tried A.
      assertThat(first.allCallsSucceeded()).as(first.toString()).isTrue();
      assertThat(later.allCallsSucceeded()).as(later.toString()).isTrue();
      assertThat(invitesAtA).isPositive();
      assertThat(invites(silentA)).isEqualTo(invitesAtA);
      assertThat(trunk.proxy().carrierUp("carrier-a")).isFalse();
      assertThat(trunk.proxy().metrics().carrierChanges("carrier-a", false, "timeout"))
          .isEqualTo(1);
    }
  }

  @Test
  void failsOverAtOnceWhenTheCarrierRefusesTheConnection() throws Exception {
    // Nothing listens on carrier A's TCP port: the kernel refuses the connection.
    trunk.carrierAOverTcp = true;
    trunk.inviteTimeoutMillis = 30_000;
    try (SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult call = call();

      // Answered by B well inside the INVITE timeout, which the call never waited for: the
      // refusal took A out of rotation as unreachable, not as timed out.
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(trunk.proxy().metrics().carrierChanges("carrier-a", false, "unreachable"))
          .isEqualTo(1);
      assertThat(trunk.proxy().metrics().carrierChanges("carrier-a", false, "timeout")).isZero();
    }
  }

  @Test
  void aKilledPrimaryCostsTheCallsInFlightAndComesBackThroughProbes() throws Exception {
    trunk.inviteTimeoutMillis = 1000;
    try (SippProcess b = carrier("answer", CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));
      SippProcess a = carrier("answer", CARRIER_A, trunk.carrierA);
      try (a) {
        SippResult before = calls(2);
        assertThat(before.allCallsSucceeded()).as(before.toString()).isTrue();
        assertThat(Files.readString(a.messageLog())).contains("INVITE sip:");
      }

      // A's process is gone and its port closed: the kernel's ICMP port unreachable fails the next
      // call over at once and takes A out, without waiting for the INVITE timeout; the rest go
      // straight to B.
      SippResult during = calls(4);
      assertThat(during.allCallsSucceeded()).as(during.toString()).isTrue();
      assertThat(trunk.proxy().metrics().carrierChanges("carrier-a", false, "unreachable"))
          .isEqualTo(1);
      assertThat(trunk.proxy().metrics().carrierChanges("carrier-a", false, "timeout")).isZero();

      // A restarts: its probes, every second while it is out, bring it back, and calls go to it.
      try (SippProcess again = carrier("answer", CARRIER_A, trunk.carrierA)) {
        await().atMost(Duration.ofSeconds(15)).until(() -> trunk.proxy().carrierUp("carrier-a"));
        SippResult after = call();
        assertThat(after.allCallsSucceeded()).as(after.toString()).isTrue();
        assertThat(Files.readString(again.messageLog())).contains("INVITE sip:");
      }
    }
  }

  @Test
  void answers503WithRetryAfterWhenEveryCarrierFails() throws Exception {
    Path scenarios = work.resolve("s");
    try (SippProcess a =
            carrier(TestTrunk.withStatus("decline", 503, scenarios), CARRIER_A, trunk.carrierA);
        SippProcess b =
            carrier(TestTrunk.withStatus("decline", 500, scenarios), CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult refused =
          trunk
              .towardsProxy(TestTrunk.withStatus("refused", 503, scenarios), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx")
              .start(work)
              .await();

      assertThat(refused.allCallsSucceeded()).as(refused.toString()).isTrue();
      assertThat(Files.readString(refused.messageLog())).contains("Retry-After: 5");
    }
    assertThat(trunk.proxy().metrics().rejected(RejectReason.UNAVAILABLE)).isEqualTo(1);
  }

  @Test
  void answersTheCarriersChallengeWithTheTrunksLogin() throws Exception {
    trunk.carrierALogin = true;
    try (SippProcess a = carrier("challenge", CARRIER_A, trunk.carrierA)) {
      trunk.start(work.resolve("trunk"));

      SippResult call = call();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(Files.readString(a.messageLog()))
          .contains("Authorization: Digest username=\"trunk-user\"")
          .doesNotContain("SIP/2.0 403");
    }
  }

  /**
   * Carrier A at an IPv6 literal while the PBX and the proxy's listener are on IPv4: the proxy
   * probes it and carries the call to it, the literal in brackets (RFC 3261 §25.1). Were the probes
   * unanswered, the third would find two lost and take A out; with A out or unreachable the call
   * would go to B, which is not there.
   */
  @Test
  void probesAndCallsACarrierAtAnIpv6Address() throws Exception {
    trunk.carrierAOnIpv6();
    trunk.probeIntervalSeconds = 1;
    trunk.downAfter = 2;
    try (SippProcess a = trunk.carrierAnswering(work)) {
      trunk.start(work.resolve("trunk"));
      String target = "[::1]:" + trunk.carrierA;
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> linesIn(a, "OPTIONS sip:" + target + " SIP/2.0") >= 3);

      assertThat(trunk.proxy().carrierUp("carrier-a")).isTrue();
      SippResult call = call();

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(linesIn(a, "INVITE sip:" + NATIONAL + "@" + target + ";user=phone SIP/2.0"))
          .isOne();
    }
  }

  private static long linesIn(SippProcess peer, String line) throws Exception {
    return Files.readAllLines(peer.messageLog()).stream().filter(line::equals).count();
  }

  private SippProcess carrier(String scenario, String address, int port) {
    return carrier(Sipp.bundled(scenario).named(scenario + "-" + address), address, port);
  }

  /** A carrier as sipp, answering OPTIONS probes automatically (-aa). */
  private SippProcess carrier(Sipp sipp, String address, int port) {
    return sipp.named("carrier-" + address)
        .local(address, port)
        .calls(100)
        .option("-aa")
        .timeout(Duration.ofSeconds(60))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  private SippResult call() {
    return calls(1);
  }

  /** {@code count} calls from the PBX, one after the other. */
  private SippResult calls(int count) {
    return trunk
        .towardsProxy(Sipp.bundled("call").named("call-pbx"), PBX, SippTransport.UDP)
        .calls(count)
        .concurrentCalls(1)
        .variable("dest", NATIONAL)
        .option("-s", "pbx", "-d", "200")
        .start(work)
        .await();
  }

  private static long invites(SilentCarrier carrier) {
    return carrier.methods().stream().filter("INVITE"::equals).count();
  }
}
