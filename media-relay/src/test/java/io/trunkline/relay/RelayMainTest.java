package io.trunkline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayMainTest {

  @Test
  void readsTheEnvironmentOfTheRelayPod() {
    RelayMain.Options options =
        RelayMain.parse(
            new String[0],
            Map.of(
                "TRUNKLINE_RELAY_ADVERTISE", "192.0.2.7",
                "TRUNKLINE_RELAY_PORTS", "40000-40999",
                "TRUNKLINE_RELAY_ZONE", "eu-west-1a",
                "TRUNKLINE_RELAY_TRUNK", "acme-main"));

    RelayConfig relay = options.relay();
    assertThat(relay.controlAddress())
        .isEqualTo(new InetSocketAddress("0.0.0.0", RelayConfig.DEFAULT_CONTROL_PORT));
    assertThat(relay.mediaBindAddress().isAnyLocalAddress()).isTrue();
    assertThat(relay.advertisedAddress().getHostAddress()).isEqualTo("192.0.2.7");
    assertThat(relay.portMin()).isEqualTo(40000);
    assertThat(relay.portMax()).isEqualTo(40999);
    assertThat(relay.dscp()).isEqualTo(46);
    assertThat(relay.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(relay.strictSource()).isFalse();
    assertThat(relay.zone()).isEqualTo("eu-west-1a");
    assertThat(relay.trunk()).isEqualTo("acme-main");
    assertThat(options.ops()).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
  }

  @Test
  void optionsWinOverTheEnvironment() {
    RelayMain.Options options =
        RelayMain.parse(
            new String[] {
              "--media-bind", "127.0.0.3",
              "--control", "127.0.0.3:2300",
              "--dscp", "34",
              "--idle-timeout", "15",
              "--max-sessions", "7",
              "--strict-source", "true"
            },
            Map.of("TRUNKLINE_RELAY_DSCP", "10"));

    RelayConfig relay = options.relay();
    assertThat(relay.advertisedAddress().getHostAddress()).isEqualTo("127.0.0.3");
    assertThat(relay.controlAddress()).isEqualTo(new InetSocketAddress("127.0.0.3", 2300));
    assertThat(relay.dscp()).isEqualTo(34);
    assertThat(relay.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(relay.maxSessions()).isEqualTo(7);
    assertThat(relay.strictSource()).isTrue();
  }

  @Test
  void namesTheWrongOption() {
    assertThatThrownBy(() -> RelayMain.parse(new String[0], Map.of()))
        .hasMessageContaining("--advertise");
    assertThatThrownBy(
            () ->
                RelayMain.parse(
                    new String[] {"--advertise", "127.0.0.1", "--dscp", "64"}, Map.of()))
        .hasMessageContaining("dscp must be 0-63");
    assertThatThrownBy(
            () ->
                RelayMain.parse(
                    new String[] {"--advertise", "127.0.0.1", "--ports", "9"}, Map.of()))
        .hasMessageContaining("--ports must be MIN-MAX");
    assertThatThrownBy(() -> RelayMain.parse(new String[] {"--colour", "blue"}, Map.of()))
        .hasMessageContaining("unknown option --colour");
    assertThat(RelayMain.usage()).contains("TRUNKLINE_RELAY_ADVERTISE");
  }
}
