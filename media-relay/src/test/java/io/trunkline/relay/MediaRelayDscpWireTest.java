package io.trunkline.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.relay.session.Ticker;
import io.trunkline.testing.wire.Tshark;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real tshark proves the mark on relayed RTP, as a router would read it. */
class MediaRelayDscpWireTest {

  @Test
  void relayedRtpCarriesTheConfiguredDscpOnTheWire() throws Exception {
    assertMarks(RelayConfig.DEFAULT_DSCP, 23000);
  }

  @Test
  void aTrunkMayConfigureAnotherMark() throws Exception {
    // AF41 (34), what some carriers ask for video and conferencing media.
    assertMarks(34, 23100);
  }

  private static void assertMarks(int dscp, int portMin) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MediaRelay relay =
            MediaRelay.start(
                TestRelays.config(portMin, portMin + 99, dscp, 10, false),
                registry,
                Ticker.system());
        RelayClient client = RelayClient.open(relay.controlAddress(), TestRelays.SIGNER);
        Phone caller = new Phone(TestRelays.PHONE_ADDRESS);
        Phone callee = new Phone(TestRelays.PHONE_ADDRESS)) {
      MediaEndpoint calleeSendsTo =
          client.offer("dscp", "a", caller.endpoint()).get(5, TimeUnit.SECONDS);
      MediaEndpoint callerSendsTo =
          client.answer("dscp", "a", "b", callee.endpoint()).get(5, TimeUnit.SECONDS);

      List<String> marks;
      ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
      try (Tshark tshark =
          Tshark.capture(
              "udp src port " + calleeSendsTo.rtp().getPort(),
              5,
              Duration.ofSeconds(20),
              "ip.dsfield.dscp")) {
        // A stream paced like G.711 (one packet per 20 ms) until the capture has its five.
        AtomicInteger sequence = new AtomicInteger();
        sender.scheduleAtFixedRate(
            () -> {
              int seq = sequence.getAndIncrement();
              caller.sendRtp(callerSendsTo.rtp(), seq, seq * 160L);
            },
            0,
            20,
            TimeUnit.MILLISECONDS);
        marks = tshark.packets();
      } finally {
        sender.shutdownNow();
        assertThat(sender.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      }

      assertThat(callee.rtpReceived()).isPositive();
      assertThat(marks).hasSize(5).containsOnly(Integer.toString(dscp));
    }
  }
}
