package io.trunkline.relay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayMainTest {

  private static final String KEY = "00112233445566778899aabbccddeeff".repeat(2);

  private static final Map<String, String> WITH_KEY = Map.of("TRUNKLINE_RELAY_CONTROL_KEY", KEY);

  @Test
  void readsTheEnvironmentOfTheRelayPod() {
    RelayMain.Options options =
        RelayMain.parse(
            new String[0],
            Map.of(
                "TRUNKLINE_RELAY_ADVERTISE", "192.0.2.7",
                "TRUNKLINE_RELAY_PORTS", "40000-40999",
                "TRUNKLINE_RELAY_ZONE", "eu-west-1a",
                "TRUNKLINE_RELAY_TRUNK", "acme-main",
                "TRUNKLINE_RELAY_CONTROL_KEY", KEY));

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
    byte[] signed = new ControlSigner(ControlKey.parse(KEY)).signRequest("{}".getBytes(UTF_8));
    assertThat(new ControlSigner(relay.controlKey()).verifyRequest(signed, 0, signed.length))
        .as("the relay holds the key of the variable")
        .isInstanceOf(ControlSigner.Verification.Authentic.class);
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
            Map.of("TRUNKLINE_RELAY_DSCP", "10", "TRUNKLINE_RELAY_CONTROL_KEY", KEY));

    RelayConfig relay = options.relay();
    assertThat(relay.advertisedAddress().getHostAddress()).isEqualTo("127.0.0.3");
    assertThat(relay.controlAddress()).isEqualTo(new InetSocketAddress("127.0.0.3", 2300));
    assertThat(relay.dscp()).isEqualTo(34);
    assertThat(relay.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(relay.maxSessions()).isEqualTo(7);
    assertThat(relay.strictSource()).isTrue();
  }

  @Test
  void refusesToRunWithoutTheTrunksKeyAndNeverRepeatsAWrongOne() {
    String[] args = {"--advertise", "127.0.0.1"};

    assertThatThrownBy(() -> RelayMain.parse(args, Map.of()))
        .hasMessageStartingWith("TRUNKLINE_RELAY_CONTROL_KEY is required");
    String oneShort = KEY.substring(1);
    assertThatThrownBy(() -> RelayMain.parse(args, Map.of("TRUNKLINE_RELAY_CONTROL_KEY", oneShort)))
        .hasMessage(
            "TRUNKLINE_RELAY_CONTROL_KEY must be 64 hex digits"
                + " (a control key is 64 hex digits, not 63)");
    assertThatThrownBy(
            () ->
                RelayMain.parse(args, Map.of("TRUNKLINE_RELAY_CONTROL_KEY", KEY.replace('a', 'g'))))
        .hasMessage(
            "TRUNKLINE_RELAY_CONTROL_KEY must be 64 hex digits"
                + " (a control key is hex digits only)");
  }

  @Test
  void namesTheWrongOption() {
    assertThatThrownBy(() -> RelayMain.parse(new String[0], WITH_KEY))
        .hasMessageContaining("--advertise");
    assertThatThrownBy(
            () ->
                RelayMain.parse(
                    new String[] {"--advertise", "127.0.0.1", "--dscp", "64"}, WITH_KEY))
        .hasMessageContaining("dscp must be 0-63");
    assertThatThrownBy(
            () ->
                RelayMain.parse(
                    new String[] {"--advertise", "127.0.0.1", "--ports", "9"}, WITH_KEY))
        .hasMessageContaining("--ports must be MIN-MAX");
    assertThatThrownBy(() -> RelayMain.parse(new String[] {"--colour", "blue"}, WITH_KEY))
        .hasMessageContaining("unknown option --colour");
    assertThat(RelayMain.usage()).contains("TRUNKLINE_RELAY_ADVERTISE");
  }
}
