package io.trunkline.sip.health;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Failover;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.testing.time.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Probe verdicts with a fake sender: downAfter lost probes take a carrier out, upAfter answers
 * bring it back.
 */
class CarrierProberTest {

  private static final Carrier A = new Carrier("a", "127.0.0.10", 5060, "UDP", 1, 1, false);
  private static final Failover FAILOVER = new Failover(1000, 10, 2, 2);

  private final Map<String, ClientTransaction.Listener> outstanding = new HashMap<>();
  private final List<String> verdicts = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:00:00Z"));
  private int probes;
  private final CarrierProber prober =
      new CarrierProber(
          (carrier, listener) -> {
            probes++;
            outstanding.put(carrier.name(), listener);
          },
          new CarrierProber.Reports() {
            @Override
            public void verdict(String carrier, boolean up) {
              verdicts.add(carrier + (up ? " up" : " down"));
            }

            @Override
            public void changed(String carrier, boolean up, String reason) {
              changes.add(carrier + (up ? " up: " : " down: ") + reason);
            }
          },
          clock);

  @Test
  void takesACarrierOutAfterDownAfterLostProbesAndBackAfterUpAfterAnswers() throws Exception {
    assertThat(prober.isUp("a")).isTrue();

    prober.round(List.of(A), FAILOVER); // probe 1 goes out
    prober.round(List.of(A), FAILOVER); // probe 1 lost
    assertThat(prober.isUp("a")).isTrue();
    prober.round(List.of(A), FAILOVER); // probe 2 lost: down
    assertThat(prober.isUp("a")).isFalse();

    answer(404); // any answer counts: the carrier is there
    assertThat(prober.isUp("a")).isFalse();
    prober.round(List.of(A), FAILOVER);
    answer(200);

    assertThat(prober.isUp("a")).isTrue();
    assertThat(verdicts).containsExactly("a up", "a down", "a down", "a up");
    assertThat(changes).containsExactly("a down: probes-lost", "a up: probes-answered");
  }

  @Test
  void aTimedOutCallTakesTheCarrierOutAtOnceAndQuickProbesBringItBack() throws Exception {
    prober.round(List.of(A), FAILOVER);
    answer(200);

    prober.failed(A, CarrierProber.Failure.TIMEOUT);
    assertThat(prober.isUp("a")).isFalse();

    // Probed every second from now, not every probe interval: two answers and it is back.
    prober.recheck(FAILOVER);
    answer(200);
    assertThat(prober.isUp("a")).isFalse();
    prober.recheck(FAILOVER);
    answer(200);

    assertThat(prober.isUp("a")).isTrue();
    assertThat(probes).isEqualTo(3);
    assertThat(changes).containsExactly("a down: timeout", "a up: probes-answered");
  }

  @Test
  void aDeadCarrierStaysOutWhileItsQuickProbesGoUnanswered() {
    prober.failed(A, CarrierProber.Failure.UNREACHABLE);

    for (int second = 0; second < 5; second++) {
      prober.recheck(FAILOVER);
    }

    assertThat(probes).isEqualTo(5);
    assertThat(prober.isUp("a")).isFalse();
    assertThat(changes).containsExactly("a down: unreachable");
  }

  @Test
  void aRetryAfterKeepsTheCarrierOutForExactlyThatLongWhateverTheProbesSay() throws Exception {
    prober.round(List.of(A), FAILOVER);
    prober.refusedFor(A, Duration.ofSeconds(30));
    answer(200);
    prober.round(List.of(A), FAILOVER);
    answer(200);

    clock.advance(Duration.ofSeconds(29));
    prober.recheck(FAILOVER);
    assertThat(prober.isUp("a")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    prober.recheck(FAILOVER);

    assertThat(prober.isUp("a")).isTrue();
    assertThat(changes).containsExactly("a down: retry-after", "a up: retry-after-passed");
  }

  @Test
  void aRefusedProbeCountsAtOnceAndOnlyOnce() {
    prober.round(List.of(A), FAILOVER);
    ClientTransaction.Listener first = outstanding.get("a");
    first.onUnreachable(null);
    assertThat(verdicts).containsExactly("a up");

    prober.round(List.of(A), FAILOVER); // the refused probe is not counted lost again
    assertThat(prober.isUp("a")).isTrue();
    outstanding.get("a").onUnreachable(null);

    assertThat(prober.isUp("a")).as("down at the second refusal, not a round later").isFalse();
    assertThat(changes).containsExactly("a down: probes-lost");

    prober.round(List.of(A), FAILOVER);
    first.onUnreachable(null); // late, for a probe already settled
    assertThat(verdicts).containsExactly("a up", "a down");
  }

  @Test
  void aProvisionalAnswerIsNoVerdict() throws Exception {
    prober.round(List.of(A), FAILOVER);
    answer(100);
    prober.round(List.of(A), FAILOVER);
    prober.round(List.of(A), FAILOVER);

    assertThat(prober.isUp("a")).isFalse();
  }

  private void answer(int status) throws Exception {
    SIPResponse response = new SIPResponse();
    response.setStatusCode(status);
    outstanding.get("a").onResponse(null, response);
  }
}
