package io.trunkline.relay;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.trunkline.process.ops.OpsServer;
import io.trunkline.process.settings.ProcessSettings;
import io.trunkline.process.settings.Setting;
import io.trunkline.relay.control.ControlKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a media relay as its own process, as the relay pods do. Every option has an environment
 * variable, which the operator's Deployment sets (the node address from the downward API's {@code
 * status.hostIP}); a command-line option wins over its variable.
 */
public final class RelayMain {

  /** The relay's settings, where /q/* is served, and how long a SIGTERM waits for calls. */
  public record Options(RelayConfig relay, InetSocketAddress ops, Duration drain) {}

  private static final Setting CONTROL =
      new Setting(
          "--control",
          "TRUNKLINE_RELAY_CONTROL",
          "0.0.0.0:" + RelayConfig.DEFAULT_CONTROL_PORT,
          "control protocol address (UDP)");
  private static final Setting MEDIA_BIND =
      new Setting(
          "--media-bind", "TRUNKLINE_RELAY_MEDIA_BIND", "0.0.0.0", "address media binds to");
  private static final Setting ADVERTISE =
      new Setting(
          "--advertise",
          "TRUNKLINE_RELAY_ADVERTISE",
          null,
          "address parties send media to; required when --media-bind is a wildcard");
  private static final Setting PORTS =
      new Setting(
          "--ports",
          "TRUNKLINE_RELAY_PORTS",
          RelayConfig.DEFAULT_PORT_MIN + "-" + RelayConfig.DEFAULT_PORT_MAX,
          "media port range");
  private static final Setting DSCP =
      new Setting(
          "--dscp",
          "TRUNKLINE_RELAY_DSCP",
          Integer.toString(RelayConfig.DEFAULT_DSCP),
          "DSCP of media packets");
  private static final Setting IDLE_TIMEOUT =
      new Setting(
          "--idle-timeout",
          "TRUNKLINE_RELAY_IDLE_TIMEOUT",
          Long.toString(RelayConfig.DEFAULT_IDLE_TIMEOUT.toSeconds()),
          "seconds without media before a session is reaped");
  private static final Setting MAX_SESSIONS =
      new Setting(
          "--max-sessions",
          "TRUNKLINE_RELAY_MAX_SESSIONS",
          Integer.toString(RelayConfig.DEFAULT_MAX_SESSIONS),
          "sessions held at most");
  private static final Setting STRICT_SOURCE =
      new Setting(
          "--strict-source",
          "TRUNKLINE_RELAY_STRICT_SOURCE",
          "false",
          "accept media only from signalled addresses");
  private static final Setting ZONE =
      new Setting("--zone", "TRUNKLINE_RELAY_ZONE", "", "zone reported to proxies");
  private static final Setting TRUNK =
      new Setting("--trunk", "TRUNKLINE_RELAY_TRUNK", "", "trunk served (metrics label)");

  /** The environment only: a key on the command line would show in every process listing. */
  private static final Setting CONTROL_KEY =
      Setting.variable(
          "TRUNKLINE_RELAY_CONTROL_KEY",
          null,
          "the trunk's control key, 64 hex digits: requests not signed with it are refused");

  private static final Setting OPS =
      new Setting(
          "--ops", "TRUNKLINE_RELAY_OPS", "0.0.0.0:8080", "/q/metrics and /q/health address");
  private static final Setting DRAIN =
      new Setting(
          "--drain",
          "TRUNKLINE_RELAY_DRAIN_SECONDS",
          "3500",
          "seconds a SIGTERM waits for live sessions to end");

  private static final List<Setting> SETTINGS =
      List.of(
          CONTROL,
          MEDIA_BIND,
          ADVERTISE,
          PORTS,
          DSCP,
          IDLE_TIMEOUT,
          MAX_SESSIONS,
          STRICT_SOURCE,
          ZONE,
          TRUNK,
          CONTROL_KEY,
          OPS,
          DRAIN);

  /** A media port range, {@code MIN-MAX}. */
  private record PortRange(int min, int max) {
    static PortRange parse(String text) {
      int dash = text.indexOf('-');
      return new PortRange(
          Integer.parseInt(text.substring(0, dash).trim()),
          Integer.parseInt(text.substring(dash + 1).trim()));
    }
  }

  private RelayMain() {}

  /**
   * Reads options from {@code args} ({@code --name value} pairs) over {@code env}.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  public static Options parse(String[] args, Map<String, String> env) {
    ProcessSettings settings = ProcessSettings.read(SETTINGS, args, env);
    if (!settings.arguments().isEmpty()) {
      throw new IllegalArgumentException("unexpected argument " + settings.arguments().get(0));
    }
    InetAddress mediaBind = settings.address(MEDIA_BIND);
    InetAddress advertised;
    if (settings.has(ADVERTISE)) {
      advertised = settings.address(ADVERTISE);
    } else if (!mediaBind.isAnyLocalAddress()) {
      advertised = mediaBind;
    } else {
      throw new IllegalArgumentException(
          ADVERTISE.names() + " is required when media binds to a wildcard");
    }
    PortRange ports = settings.value(PORTS, "MIN-MAX", PortRange::parse);
    RelayConfig relay =
        new RelayConfig(
            settings.socketAddress(CONTROL),
            mediaBind,
            advertised,
            ports.min(),
            ports.max(),
            settings.integer(DSCP),
            settings.seconds(IDLE_TIMEOUT),
            settings.integer(MAX_SESSIONS),
            settings.bool(STRICT_SOURCE),
            settings.text(ZONE),
            settings.text(TRUNK),
            settings.secret(CONTROL_KEY, "64 hex digits", ControlKey::parse));
    return new Options(relay, settings.socketAddress(OPS), settings.seconds(DRAIN));
  }

  public static void main(String[] args) throws Exception {
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    Options options;
    try {
      options = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(usage());
      System.exit(64);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MediaRelay relay = MediaRelay.start(options.relay(), registry);
    OpsServer ops;
    try {
      ops = OpsServer.start(options.ops(), registry, relay::ready);
    } catch (RuntimeException | IOException e) {
      relay.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    relay.drain(options.drain());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  relay.close();
                  ops.close();
                  stopped.countDown();
                },
                "relay-shutdown"));
    stopped.await();
  }

  static String usage() {
    return ProcessSettings.usage("RelayMain [--option value]...", SETTINGS);
  }
}
