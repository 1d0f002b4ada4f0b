package io.trunkline.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RelayConfigTest {

  private static final InetAddress HOST = LoopbackPorts.loopback("127.0.0.3");

  @Test
  void defaultsMarkEfAndListenWhereRtpengineDoes() {
    RelayConfig config = RelayConfig.defaults(HOST, "zone-a", "acme", ControlKey.random());

    assertThat(config.controlAddress()).isEqualTo(new InetSocketAddress(HOST, 2223));
    assertThat(config.advertisedAddress()).isEqualTo(HOST);
    assertThat(config.dscp()).isEqualTo(46);
    assertThat(config.portMin()).isEqualTo(30000);
    assertThat(config.portMax()).isEqualTo(39999);
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.strictSource()).isFalse();
  }

  @Test
  void refusesWhatCannotWork() {
    InetAddress wildcard = new InetSocketAddress(0).getAddress();
    assertThatThrownBy(() -> config(wildcard, 30000, 30001, 46, Duration.ofSeconds(1), 1))
        .hasMessageContaining("is a wildcard");
    assertThatThrownBy(() -> config(HOST, 30000, 30000, 46, Duration.ofSeconds(1), 1))
        .hasMessageContaining("must hold a pair");
    assertThatThrownBy(() -> config(HOST, 30000, 30001, 64, Duration.ofSeconds(1), 1))
        .hasMessageContaining("dscp must be 0-63");
    assertThatThrownBy(() -> config(HOST, 30000, 30001, 46, Duration.ZERO, 1))
        .hasMessageContaining("idle timeout must be positive");
    assertThatThrownBy(() -> config(HOST, 30000, 30001, 46, Duration.ofSeconds(1), 0))
        .hasMessageContaining("max sessions");
  }

  private static RelayConfig config(
      InetAddress advertised, int min, int max, int dscp, Duration idle, int maxSessions) {
    return new RelayConfig(
        new InetSocketAddress(HOST, 2223),
        HOST,
        advertised,
        min,
        max,
        dscp,
        idle,
        maxSessions,
        false,
        "",
        "",
        ControlKey.random());
  }
}
