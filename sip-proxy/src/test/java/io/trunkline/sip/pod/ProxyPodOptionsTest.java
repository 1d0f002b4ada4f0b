package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.process.settings.HostPort;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.pool.PoolStore;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The environment the operator renders for a proxy pod. */
class ProxyPodOptionsTest {

  private static final Map<String, String> SNAPSHOT =
      Map.of(
          "TRUNKLINE_CONFIG", "/etc/trunkline/config/trunk.json",
          "TRUNKLINE_CREDENTIALS", "/etc/trunkline/credentials/credentials.json");

  @Test
  void readsThePodsEnvironment() {
    ProxyPod.Options options =
        ProxyPod.Options.parse(
            with(
                "POD_IP", "10.1.2.3",
                "TRUNKLINE_RELAYS", "acme-relay.office.svc:2223",
                "TRUNKLINE_RELAY_CONTROL_KEY", "0f".repeat(32),
                "TRUNKLINE_ZONE", "eu-west-1a",
                "TRUNKLINE_DRAIN_SECONDS", "290"));

    assertThat(options.config()).isEqualTo(Path.of("/etc/trunkline/config/trunk.json"));
    assertThat(options.credentials())
        .isEqualTo(Path.of("/etc/trunkline/credentials/credentials.json"));
    assertThat(options.advertised()).isEqualTo("10.1.2.3");
    assertThat(options.bind().isAnyLocalAddress()).isTrue();
    assertThat(options.relays()).isEqualTo(new HostPort("acme-relay.office.svc", 2223));
    assertThat(options.relayControlKey()).isNotNull();
    assertThat(options.zone()).isEqualTo("eu-west-1a");
    assertThat(options.ops()).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
    assertThat(options.tlsDir()).isEqualTo(new File("/etc/trunkline/tls"));
    assertThat(options.drain()).isEqualTo(Duration.ofSeconds(290));
  }

  @Test
  void theAdvertisedAddressWinsOverThePodsAndAnEmptyZoneIsNone() {
    ProxyPod.Options options =
        ProxyPod.Options.parse(
            with(
                "POD_IP", "10.1.2.3",
                "TRUNKLINE_ADVERTISED_ADDRESS", "sip.example.com",
                "TRUNKLINE_ZONE", "",
                "TRUNKLINE_OPS", "[::1]:9090"));

    assertThat(options.advertised()).isEqualTo("sip.example.com");
    assertThat(options.advertisedPort()).as("the trunk's port").isNull();
    assertThat(options.zone()).isEmpty();
    assertThat(options.relays()).isNull();
    assertThat(options.relayControlKey()).as("no relays to sign for").isNull();
    assertThat(options.ops()).isEqualTo(new InetSocketAddress("::1", 9090));
  }

  @Test
  void behindANodePortTheAdvertisedPortsAreTheNodes() {
    // What operator/.../trunk/pool/SipExposure renders for a NodePort trunk; the kubelet has
    // expanded $(HOST_IP).
    ProxyPod.Options options =
        ProxyPod.Options.parse(
            with(
                "POD_IP", "10.244.0.7",
                "TRUNKLINE_ADVERTISED_ADDRESS", "192.0.2.10",
                "TRUNKLINE_ADVERTISED_PORT", "30560",
                "TRUNKLINE_ADVERTISED_TLS_PORT", "30561"));

    assertThat(options.advertised()).isEqualTo("192.0.2.10");
    assertThat(options.advertisedPort()).isEqualTo(30560);
    assertThat(options.advertisedTlsPort()).isEqualTo(30561);
    assertThat(options.podIp())
        .as("the pool's members still meet on pod addresses")
        .isEqualTo("10.244.0.7");
    assertThatThrownBy(
            () ->
                ProxyPod.Options.parse(
                    with("POD_IP", "10.1.2.3", "TRUNKLINE_ADVERTISED_PORT", "70000")))
        .hasMessage("TRUNKLINE_ADVERTISED_PORT must be a port (1-65535): 70000 (out of range)");
  }

  @Test
  void namesTheVariableThatIsWrong() {
    assertThatThrownBy(() -> ProxyPod.Options.parse(Map.of("POD_IP", "10.1.2.3")))
        .hasMessageContaining("TRUNKLINE_CONFIG is required");
    assertThatThrownBy(() -> ProxyPod.Options.parse(SNAPSHOT))
        .hasMessage("set TRUNKLINE_ADVERTISED_ADDRESS or POD_IP");
    assertThatThrownBy(
            () -> ProxyPod.Options.parse(with("POD_IP", "10.1.2.3", "TRUNKLINE_RELAYS", "acme")))
        .hasMessage("TRUNKLINE_RELAYS must be ADDRESS:PORT: acme (no port)");
    assertThatThrownBy(
            () ->
                ProxyPod.Options.parse(
                    with("POD_IP", "10.1.2.3", "TRUNKLINE_RELAYS", "acme-relay.office.svc:2223")))
        .hasMessageStartingWith("TRUNKLINE_RELAY_CONTROL_KEY is required");
    assertThatThrownBy(
            () ->
                ProxyPod.Options.parse(
                    with(
                        "POD_IP", "10.1.2.3",
                        "TRUNKLINE_RELAYS", "acme-relay.office.svc:2223",
                        "TRUNKLINE_RELAY_CONTROL_KEY", "0f".repeat(31))))
        .hasMessage(
            "TRUNKLINE_RELAY_CONTROL_KEY must be 64 hex digits"
                + " (a control key is 64 hex digits, not 62)");
    assertThatThrownBy(
            () ->
                ProxyPod.Options.parse(
                    with("POD_IP", "10.1.2.3", "TRUNKLINE_DRAIN_SECONDS", "an hour")))
        .hasMessage("TRUNKLINE_DRAIN_SECONDS must be a number of seconds: an hour");
  }

  @Test
  void readsThePoolTheOperatorDescribes() {
    // The variables and forms operator/.../trunk/pool/ProxyPool renders (decision 0015).
    ProxyPod.Options options =
        ProxyPod.Options.parse(
            with(
                "POD_IP", "10.1.2.3",
                "POD_NAME", "acme-sip-7f9c6-x2l4q",
                "TRUNKLINE_POOL_SIZE", "12",
                "TRUNKLINE_MEMBERS", "acme-sip-members.office.svc:5060",
                "TRUNKLINE_STORE_ADDRESS", "redis.office.svc:6379",
                "TRUNKLINE_STORE_PASSWORD", "s3cret",
                "TRUNKLINE_STORE_TLS", "true"));

    assertThat(options.replica()).isEqualTo("acme-sip-7f9c6-x2l4q");
    assertThat(options.podIp()).isEqualTo("10.1.2.3");
    PoolSettings pool = options.pool();
    assertThat(pool.size()).isEqualTo(12);
    assertThat(pool.members()).containsExactly(new HostPort("acme-sip-members.office.svc", 5060));
    assertThat(pool.store().address())
        .isEqualTo(
            new PoolStore.Address(
                "redis.office.svc", 6379, "s3cret", true, Duration.ofMillis(250)));
    assertThat(pool.store().lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ProxyPod.Options.parse(with("POD_IP", "10.1.2.3")).pool())
        .isEqualTo(PoolSettings.ALONE);
  }

  private static Map<String, String> with(String... pairs) {
    Map<String, String> env = new HashMap<>(SNAPSHOT);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }
}
