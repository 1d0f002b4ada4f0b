package io.trunkline.testing.sipp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.testing.net.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the harness with the real sipp on both ends: a caller and a called party on loopback. */
class SippHarnessSippTest {

  private static final Duration BIND_LIMIT = Duration.ofSeconds(10);

  @TempDir Path work;

  @Test
  void uacCallsUasOverUdp() {
    assertCallsComplete(SippTransport.UDP, 5);
  }

  @Test
  void uacCallsUasOverTcp() {
    assertCallsComplete(SippTransport.TCP, 3);
  }

  @Test
  void callsToASilentPeerFailAfterRetransmissions() {
    int silentPort = LoopbackPorts.freePort("127.0.0.2");

    SippResult uac =
        Sipp.builtIn("uac")
            .local("127.0.0.1", 0)
            .remote("127.0.0.2", silentPort)
            .calls(1)
            // Two INVITE retransmissions (Timer A, RFC 3261 §17.1.1.2) and the call gives up.
            .option("-max_invite_retrans", "2")
            .timeout(Duration.ofSeconds(20))
            .start(work)
            .await();

    assertThat(uac.exitCode()).as(uac.toString()).isEqualTo(1);
    assertThat(uac.statistics().failedCalls()).isEqualTo(1);
    assertThat(uac.statistics().successfulCalls()).isZero();
    assertThat(uac.statistics().retransmissions()).isEqualTo(2);
    assertThat(uac.allCallsSucceeded()).isFalse();
  }

  @Test
  void namesAMissingBundledScenario() {
    assertThatThrownBy(() -> Sipp.bundled("no-such-scenario"))
        .hasMessageContaining("sipp/no-such-scenario.xml");
  }

  @Test
  void saysHowToInstallAMissingSipp() {
    assertThatThrownBy(() -> Sipp.binary(Map.of("PATH", work.toString())))
        .hasMessageContaining("apt-get install -y sip-tester");
    assertThatThrownBy(() -> Sipp.binary(Map.of("SIPP", work.resolve("sipp").toString())))
        .hasMessageContaining("is not an executable");
  }

  @Test
  void refusesAnUnboundedRun() {
    assertThatThrownBy(() -> Sipp.builtIn("uac").start(work))
        .hasMessageContaining("bounded in count");
  }

  @Test
  void refusesAddressesOffThisMachine() {
    assertThatThrownBy(() -> Sipp.builtIn("uac").remote("192.0.2.10", 5060))
        .hasMessageContaining("not an address of this machine");
  }

  private void assertCallsComplete(SippTransport transport, int calls) {
    int uasPort = LoopbackPorts.freePort("127.0.0.1");
    try (SippProcess uas =
        Sipp.bundled("answer")
            .local("127.0.0.1", uasPort)
            .transport(transport)
            .calls(calls)
            .timeout(Duration.ofSeconds(30))
            .start(work)) {
      uas.awaitListening(BIND_LIMIT);

      SippResult uac =
          Sipp.builtIn("uac")
              .local("127.0.0.1", 0)
              .remote("127.0.0.1", uasPort)
              .transport(transport)
              .calls(calls)
              .rate(10)
              .timeout(Duration.ofSeconds(30))
              .start(work)
              .await();
      SippResult uasResult = uas.await();

      assertThat(uac.allCallsSucceeded()).as(uac.toString()).isTrue();
      assertThat(uac.statistics().successfulCalls()).isEqualTo(calls);
      assertThat(uac.statistics().callsCreated()).isEqualTo(calls);
      assertThat(uasResult.allCallsSucceeded()).as(uasResult.toString()).isTrue();
      assertThat(uasResult.statistics().successfulCalls()).isEqualTo(calls);
    }
  }
}
