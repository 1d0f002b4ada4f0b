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

import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios 1 and 2 of SCENARIOS.md through the proxy, with the real sipp as phones, PBX and
 * carrier: registration, calls between lines and out to the carrier, busy lines, quotas, blocked
 * and unknown destinations, CANCEL, BYE from either side, over UDP and TCP.
 */
class CallScenariosSippTest {

  @TempDir Path work;

  private final TestTrunk trunk = new TestTrunk();

  @BeforeEach
  void start() throws Exception {
    trunk.channels = 2;
    trunk.start(work.resolve("trunk"));
  }

  @AfterEach
  void stop() {
    trunk.close();
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
  void callsARegisteredLineAndTheCallerHangsUp() throws Exception {
    int benPort = registerPhone("ben", BEN_PASSWORD, BEN_PHONE);
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
    int benPort = registerPhone("ben", BEN_PASSWORD, BEN_PHONE);
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
    try (SippProcess carrier = carrierAnswering(1)) {
      SippResult call = pbxCalls(NATIONAL, "call", SippTransport.TCP);

      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(carrier.await().allCallsSucceeded()).isTrue();
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

  private int registerPhone(String user, String password, String address) {
    int port = LoopbackPorts.freePort(address);
    SippResult registered =
        TestTrunk.register(user, password)
            .local(address, port)
            .remote(TestTrunk.PROXY, trunk.port)
            .start(work)
            .await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();
    return port;
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

  private SippProcess carrierAnswering(int calls) {
    return Sipp.bundled("answer")
        .named("carrier-a")
        .local(CARRIER_A, trunk.carrierA)
        .calls(calls)
        .option("-aa")
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
