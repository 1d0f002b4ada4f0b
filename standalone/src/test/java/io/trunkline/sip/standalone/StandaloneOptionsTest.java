package io.trunkline.sip.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.sip.pool.PoolSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone command line, as the README and bench/sip-cps.sh write it. */
class StandaloneOptionsTest {

  @Test
  void theFolderAloneServesEveryAddressWithMetricsOnLoopback() {
    Standalone.Command command = Standalone.parse(new String[] {"examples/small-office"}, Map.of());

    assertThat(command.folder()).isEqualTo(Path.of("examples/small-office"));
    assertThat(command.options().bind()).isNull();
    assertThat(command.options().trunk()).isNull();
    assertThat(command.options().ops()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(command.options().relays()).isEmpty();
    assertThat(command.options().relayControlKey()).as("the relay in this process").isNull();
    assertThat(command.options().zone()).isNull();
    assertThat(command.options().pool()).isEqualTo(PoolSettings.ALONE);
  }

  @Test
  void readsEveryOptionAfterTheFolder() {
    Standalone.Command command =
        Standalone.parse(
            new String[] {
              "bench/sip/trunk",
              "--bind",
              "[::1]:5070",
              "--trunk",
              "office",
              "--ops",
              "127.0.0.1:18080",
              "--relay",
              "127.0.0.7:2223",
              "--relay",
              "127.0.0.8:2223",
              "--zone",
              "eu-west-1a",
              "--pool-size",
              "3",
              "--store",
              "127.0.0.30:6379",
              "--store-lease",
              "12"
            },
            Map.of(
                "TRUNKLINE_STORE_PASSWORD",
                "s3cret",
                "TRUNKLINE_RELAY_CONTROL_KEY",
                "5a".repeat(32)));

    assertThat(command.folder()).isEqualTo(Path.of("bench/sip/trunk"));
    assertThat(command.options().bind()).isEqualTo(new InetSocketAddress("::1", 5070));
    assertThat(command.options().trunk()).isEqualTo("office");
    assertThat(command.options().ops()).isEqualTo(new InetSocketAddress("127.0.0.1", 18080));
    assertThat(command.options().relays())
        .containsExactly(
            new InetSocketAddress("127.0.0.7", 2223), new InetSocketAddress("127.0.0.8", 2223));
    assertThat(command.options().relayControlKey()).isNotNull();
    assertThat(command.options().zone()).isEqualTo("eu-west-1a");
    PoolSettings pool = command.options().pool();
    assertThat(pool.size()).isEqualTo(3);
    assertThat(pool.store().address().host()).isEqualTo("127.0.0.30");
    assertThat(pool.store().address().port()).isEqualTo(6379);
    assertThat(pool.store().address().password()).isEqualTo("s3cret");
    assertThat(pool.store().address().tls()).isFalse();
    assertThat(pool.store().lease()).isEqualTo(Duration.ofSeconds(12));
  }

  @Test
  void namesWhatIsWrong() {
    assertThatThrownBy(() -> Standalone.parse(new String[0], Map.of()))
        .hasMessage("name the folder to serve");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"a", "b"}, Map.of()))
        .hasMessage("one folder only: [a, b]");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"a", "--colour", "blue"}, Map.of()))
        .hasMessage("unknown option --colour");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"a", "--bind"}, Map.of()))
        .hasMessage("--bind needs a value");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"a", "--bind", "5060"}, Map.of()))
        .hasMessage("--bind must be ADDRESS:PORT: 5060 (no port)");
    assertThatThrownBy(() -> Standalone.parse(new String[] {"a", "--bind", "::1:5060"}, Map.of()))
        .hasMessage(
            "--bind must be ADDRESS:PORT: ::1:5060 (an IPv6 address goes in brackets, [ADDRESS]:PORT)");
    assertThatThrownBy(
            () -> Standalone.parse(new String[] {"a", "--relay", "127.0.0.7:2223"}, Map.of()))
        .hasMessageStartingWith("TRUNKLINE_RELAY_CONTROL_KEY is required");
    // bench/sip-cps.sh looks for --ops in the usage to know the build serves metrics.
    assertThat(Standalone.usage()).contains("usage: Standalone FOLDER", "--ops", "--relay");
  }
}
