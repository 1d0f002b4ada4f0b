package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.CARRIER_A;
import static io.trunkline.sip.proxy.TestTrunk.CARRIER_B;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trunk no RoutePolicy names routes by its carriers' own priority: carrier B, listed second but
 * with priority 1, takes the PBX's calls; carrier A, priority 2, takes them when B answers 503 or
 * probes found it down.
 */
class CarrierOrderSippTest {

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @BeforeEach
  void trunkWithoutRoutePolicy() {
    trunk.routePolicy = false;
    trunk.carrierAPriority = 2;
    trunk.carrierBPriority = 1;
  }

  @Test
  void theCarrierWithTheLowestPriorityTakesTheCalls() throws Exception {
    try (SippProcess a = carrier(Sipp.bundled("answer"), CARRIER_A, trunk.carrierA);
        SippProcess b = carrier(Sipp.bundled("answer"), CARRIER_B, trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult calls = calls(3);

      assertThat(calls.allCallsSucceeded()).as(calls.toString()).isTrue();
      assertThat(invitesIn(b.messageLog())).isGreaterThanOrEqualTo(3);
      assertThat(invitesIn(a.messageLog())).isZero();
    }
  }

  @Test
  void theNextPriorityTakesTheCallWhenThePreferredAnswers503() throws Exception {
    try (SippProcess a = carrier(Sipp.bundled("answer"), CARRIER_A, trunk.carrierA);
        SippProcess b =
            carrier(
                TestTrunk.withStatus("decline", 503, work.resolve("s")),
                CARRIER_B,
                trunk.carrierB)) {
      trunk.start(work.resolve("trunk"));

      SippResult call = calls(1);

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(Files.readString(b.messageLog())).contains("SIP/2.0 503 Refused");
      assertThat(invitesIn(a.messageLog())).isPositive();
    }
  }

  @Test
  void theNextPriorityTakesTheCallsWhileProbesFindThePreferredDown() throws Exception {
    trunk.probeIntervalSeconds = 1;
    trunk.downAfter = 2;
    try (SilentCarrier deadB = new SilentCarrier(CARRIER_B, trunk.carrierB);
        SippProcess a = carrier(Sipp.bundled("answer"), CARRIER_A, trunk.carrierA)) {
      trunk.start(work.resolve("trunk"));
      await().atMost(Duration.ofSeconds(15)).until(() -> !trunk.proxy().carrierUp("carrier-b"));

      SippResult call = calls(1);

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(deadB.methods()).isNotEmpty().containsOnly("OPTIONS");
      assertThat(invitesIn(a.messageLog())).isPositive();
    }
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

  /** {@code count} calls from the PBX to a national number, one after the other. */
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

  /** The INVITEs a carrier received, from its sipp message log. */
  private static long invitesIn(Path messageLog) throws Exception {
    return Files.readAllLines(messageLog).stream()
        .filter(line -> line.startsWith("INVITE sip:"))
        .count();
  }
}
