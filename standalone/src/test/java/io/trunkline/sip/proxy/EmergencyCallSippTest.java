package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.ANNA_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.BEN;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.CARRIER_B;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an emergency number dialled as people dial it connects whatever the trunk's state.
 * Anna's phone (sipp) calls 112 while her line is busy, the trunk's one channel is held, the PBX
 * (sipp) spends the calls-per-second budget with a flood of calls, and her phone's address is
 * banned for wrong passwords; carrier B (sipp), the trunk's emergency carrier and the only carrier
 * that answers, takes the call. Ordinary calls at the same moment are still refused.
 */
class EmergencyCallSippTest {

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @BeforeEach
  void start() throws Exception {
    trunk.channels = 1;
    trunk.callsPerSecond = 1;
    trunk.emergency = "{numbers: [\"112\", \"110\"], carriers: [carrier-b], extraChannels: 1}";
    trunk.start(work.resolve("trunk"));
  }

  @Test
  void oneOneTwoConnectsWithTheTrunkFullTheRateSpentTheLineBusyAndTheSourceBanned()
      throws Exception {
    ProxyMetrics metrics = trunk.proxy().metrics();
    trunk.registerPhone("anna", ANNA_PASSWORD, ANNA_PHONE, work);
    int benPort = trunk.registerPhone("ben", BEN_PASSWORD, BEN_PHONE, work);
    try (SippProcess carrierB = emergencyCarrier();
        SippProcess ben = answering(BEN_PHONE, benPort);
        SippProcess held = annaCalls(BEN, 12_000)) {
      // Anna's line busy, the trunk's one channel held, its one token per second spent.
      await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().activeDialogs() == 1);
      SippResult guesses = banAnnasPhone();
      try (SippProcess flood = pbxFlood()) {
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.rejected(RejectReason.CPS) > 0);

        SippResult emergency = annaCalls("112", 500).await();
        SippResult banned = refused(403, NATIONAL, ANNA_PHONE, "anna");
        double overRateMeanwhile = metrics.rejected(RejectReason.CPS);
        // The flood goes on after 112 has connected, still refused over the rate; it ends when
        // that is seen, not after a count a slow machine might have spent already.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> metrics.rejected(RejectReason.CPS) > overRateMeanwhile);
        flood.stopCalling();
        SippResult flooded = flood.await();

        assertThat(guesses.allCallsSucceeded()).as(guesses.toString()).isTrue();
        assertThat(emergency.allCallsSucceeded()).as(emergency.toString()).isTrue();
        assertThat(banned.allCallsSucceeded()).as(banned.toString()).isTrue();
        // Every call of the PBX's flood got 503, over the rate or over the channels, before,
        // while and after 112 connected.
        assertThat(flooded.allCallsSucceeded()).as(flooded.toString()).isTrue();
        assertThat(metrics.rejected(RejectReason.QUOTA)).isPositive();
      }
      assertThat(held.await().allCallsSucceeded()).isTrue();
      assertThat(ben.await().allCallsSucceeded()).isTrue();
    }
    assertThat(metrics.emergencyCallCount()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> trunk.proxy().channelsInUse() == 0);
  }

  /** Carrier B takes the trunk's emergency calls; carrier A is not even running. */
  private SippProcess emergencyCarrier() {
    return Sipp.bundled("answer")
        .named("carrier-b")
        .local(CARRIER_B, trunk.carrierB)
        .calls(100)
        .option("-aa")
        .timeout(Duration.ofSeconds(40))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  private SippProcess answering(String address, int port) {
    return Sipp.bundled("answer")
        .named("answer-" + address)
        .local(address, port)
        .calls(1)
        .timeout(Duration.ofSeconds(40))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  private SippProcess annaCalls(String number, int holdMillis) {
    return trunk
        .towardsProxy(
            Sipp.bundled("call-auth").named("anna-" + number), ANNA_PHONE, SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option(
            "-s", "anna", "-au", "anna", "-ap", ANNA_PASSWORD, "-d", Integer.toString(holdMillis))
        .timeout(Duration.ofSeconds(40))
        .start(work);
  }

  /** Five wrong passwords from the address of Anna's phone ban it (docs/data-plane.md). */
  private SippResult banAnnasPhone() {
    return trunk
        .towardsProxy(
            Sipp.bundled("register-refused")
                .named("guesses")
                .option("-s", "anna", "-au", "anna", "-ap", "guess"),
            ANNA_PHONE,
            SippTransport.UDP)
        .calls(5)
        .rate(5)
        .start(work)
        .await();
  }

  /** Ordinary calls from the PBX, 50 a second for three seconds, each refused with 503. */
  private SippProcess pbxFlood() throws Exception {
    return trunk
        .towardsProxy(
            TestTrunk.withStatus("refused", 503, work.resolve("scenarios")).named("flood"),
            PBX,
            SippTransport.UDP)
        .calls(1000)
        .rate(50)
        .variable("dest", NATIONAL)
        .option("-s", "pbx")
        .start(work);
  }

  private SippResult refused(int status, String number, String address, String user)
      throws Exception {
    return trunk
        .towardsProxy(
            TestTrunk.withStatus("refused", status, work.resolve("scenarios"))
                .named("refused-" + status),
            address,
            SippTransport.UDP)
        .calls(1)
        .variable("dest", number)
        .option("-s", user)
        .start(work)
        .await();
  }
}
