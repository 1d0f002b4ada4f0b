package io.trunkline.process.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSettingsTest {

  private static final Setting CONTROL =
      new Setting("--control", "TRUNKLINE_RELAY_CONTROL", "0.0.0.0:2223", "control address");
  private static final Setting ZONE = new Setting("--zone", "TRUNKLINE_ZONE", "", "zone");
  private static final Setting DRAIN =
      new Setting("--drain", "TRUNKLINE_DRAIN_SECONDS", "3500", "seconds to drain");
  private static final Setting STRICT =
      new Setting("--strict-source", "TRUNKLINE_STRICT", "false", "latch only signalled sources");
  private static final Setting RELAY = Setting.flag("--relay", null, "a relay's control address");
  private static final Setting CONFIG =
      Setting.variable("TRUNKLINE_CONFIG", null, "the mounted snapshot file");
  private static final Setting BIND = Setting.variable("TRUNKLINE_BIND", "0.0.0.0", "SIP address");

  private static final List<Setting> KNOWN =
      List.of(CONTROL, ZONE, DRAIN, STRICT, RELAY, CONFIG, BIND);

  @Test
  void aFlagWinsOverItsVariableWhichWinsOverTheDefault() {
    ProcessSettings settings =
        ProcessSettings.read(
            KNOWN,
            new String[] {"--zone", "eu-west-1b"},
            Map.of("TRUNKLINE_ZONE", "eu-west-1a", "TRUNKLINE_DRAIN_SECONDS", "30"));

    assertThat(settings.text(ZONE)).isEqualTo("eu-west-1b");
    assertThat(settings.seconds(DRAIN)).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.socketAddress(CONTROL)).isEqualTo(new InetSocketAddress("0.0.0.0", 2223));
    assertThat(settings.bool(STRICT)).isFalse();
  }

  @Test
  void anEmptyVariableIsUnset() {
    ProcessSettings settings =
        ProcessSettings.environment(KNOWN, Map.of("TRUNKLINE_BIND", "", "TRUNKLINE_CONFIG", " "));

    assertThat(settings.address(BIND).isAnyLocalAddress()).isTrue();
    assertThat(settings.has(CONFIG)).isFalse();
    assertThat(settings.optional(CONFIG)).isEmpty();
    assertThatThrownBy(() -> settings.text(CONFIG))
        .hasMessage("TRUNKLINE_CONFIG is required: the mounted snapshot file");
  }

  @Test
  void keepsEveryValueOfARepeatedFlagAndThePositionalArguments() {
    ProcessSettings settings =
        ProcessSettings.read(
            KNOWN,
            new String[] {
              "examples/small-office", "--relay", "127.0.0.7:2223", "--relay", "[::1]:2224"
            },
            Map.of());

    assertThat(settings.arguments()).containsExactly("examples/small-office");
    assertThat(settings.all(RELAY)).containsExactly("127.0.0.7:2223", "[::1]:2224");
    assertThat(settings.optional(RELAY)).contains("[::1]:2224");
    assertThat(settings.socketAddresses(RELAY))
        .containsExactly(
            new InetSocketAddress("127.0.0.7", 2223), new InetSocketAddress("::1", 2224));
    assertThat(ProcessSettings.read(KNOWN, new String[0], Map.of()).socketAddresses(RELAY))
        .isEmpty();
  }

  @Test
  void readsIpv6Literals() throws Exception {
    ProcessSettings settings =
        ProcessSettings.read(
            KNOWN, new String[] {"--control", "[::1]:2300"}, Map.of("TRUNKLINE_BIND", "[::1]"));

    assertThat(settings.socketAddress(CONTROL))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 2300));
    assertThat(settings.hostPort(CONTROL)).isEqualTo(new HostPort("::1", 2300));
    assertThat(settings.address(BIND)).isEqualTo(InetAddress.getByName("::1"));
  }

  @Test
  void leavesAServiceNameUnresolved() {
    ProcessSettings settings =
        ProcessSettings.read(
            KNOWN,
            new String[] {"--control", "acme-relay.office.svc.cluster.local:2223"},
            Map.of());

    assertThat(settings.hostPort(CONTROL))
        .isEqualTo(new HostPort("acme-relay.office.svc.cluster.local", 2223));
  }

  @Test
  void namesTheFlagOrVariableAWrongValueCameFrom() {
    assertThatThrownBy(
            () ->
                ProcessSettings.read(KNOWN, new String[] {"--drain", "soon"}, Map.of())
                    .seconds(DRAIN))
        .hasMessage("--drain must be a number of seconds: soon");
    assertThatThrownBy(
            () ->
                ProcessSettings.environment(KNOWN, Map.of("TRUNKLINE_DRAIN_SECONDS", "soon"))
                    .seconds(DRAIN))
        .hasMessage("TRUNKLINE_DRAIN_SECONDS must be a number of seconds: soon");
    assertThatThrownBy(
            () ->
                ProcessSettings.environment(KNOWN, Map.of("TRUNKLINE_RELAY_CONTROL", "::1:2223"))
                    .socketAddress(CONTROL))
        .hasMessage(
            "TRUNKLINE_RELAY_CONTROL must be ADDRESS:PORT: ::1:2223"
                + " (an IPv6 address goes in brackets, [ADDRESS]:PORT)");
    // Not an IPv6 literal, and no lookup either: a name never has a colon.
    assertThatThrownBy(
            () ->
                ProcessSettings.read(KNOWN, new String[] {"--control", "[zz::1]:2223"}, Map.of())
                    .socketAddress(CONTROL))
        .hasMessage("--control must be ADDRESS:PORT: [zz::1]:2223 (unknown host)");
    assertThatThrownBy(
            () ->
                ProcessSettings.read(KNOWN, new String[] {"--strict-source", "yes"}, Map.of())
                    .bool(STRICT))
        .hasMessage("--strict-source must be true or false: yes");
    assertThatThrownBy(
            () ->
                ProcessSettings.read(KNOWN, new String[] {"--control", "[::1]:2223"}, Map.of())
                    .integer(CONTROL))
        .hasMessage("--control must be a number: [::1]:2223");
    assertThatThrownBy(
            () ->
                ProcessSettings.read(KNOWN, new String[] {"--control", "0"}, Map.of())
                    .port(CONTROL))
        .hasMessage("--control must be a port (1-65535): 0 (out of range)");
  }

  @Test
  void aWrongSecretIsRefusedWithoutRepeatingIt() {
    ProcessSettings settings =
        ProcessSettings.environment(KNOWN, Map.of("TRUNKLINE_CONFIG", "s3cr3t-but-too-short"));

    assertThatThrownBy(
            () ->
                settings.secret(
                    CONFIG,
                    "64 hex digits",
                    text -> {
                      throw new IllegalArgumentException(text.length() + " characters");
                    }))
        .hasMessage("TRUNKLINE_CONFIG must be 64 hex digits (20 characters)");
    assertThat(settings.secret(CONFIG, "any text", String::length)).isEqualTo(20);
  }

  @Test
  void refusesAnUnknownFlagAndAFlagWithoutValue() {
    assertThatThrownBy(
            () -> ProcessSettings.read(KNOWN, new String[] {"--colour", "blue"}, Map.of()))
        .hasMessage("unknown option --colour");
    assertThatThrownBy(() -> ProcessSettings.read(KNOWN, new String[] {"--zone"}, Map.of()))
        .hasMessage("--zone needs a value");
    // A variable-only setting has no flag.
    assertThatThrownBy(
            () -> ProcessSettings.read(KNOWN, new String[] {"--TRUNKLINE_BIND", "x"}, Map.of()))
        .hasMessage("unknown option --TRUNKLINE_BIND");
  }

  @Test
  void usageListsFlagsVariablesAndDefaults() {
    String usage = ProcessSettings.usage("RelayMain [--option value]...", KNOWN);

    assertThat(usage)
        .startsWith("usage: RelayMain [--option value]...\n")
        .contains("--control", "TRUNKLINE_RELAY_CONTROL", "control address (default 0.0.0.0:2223)")
        .contains("TRUNKLINE_CONFIG")
        .doesNotContain("(default )");
    assertThat(usage.lines()).hasSize(KNOWN.size() + 1);
  }

  @Test
  void aSettingNeedsAFlagOrAVariable() {
    assertThatThrownBy(() -> new Setting(null, null, null, "nothing"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Setting.flag("zone", null, "no dashes"))
        .hasMessageContaining("starts with --");
    assertThat(CONTROL.names()).isEqualTo("--control (TRUNKLINE_RELAY_CONTROL)");
    assertThat(RELAY.names()).isEqualTo("--relay");
    assertThat(CONFIG.names()).isEqualTo("TRUNKLINE_CONFIG");
  }
}
