package io.trunkline.relay;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.trunkline.process.ops.OpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a media relay as its own process, as the relay pods do. Every option has an environment
 * variable, which the operator's Deployment sets (the node address from the downward API's {@code
 * status.hostIP}); a command-line option wins over its variable.
 */
public final class RelayMain {

  /** What the process runs: the relay, and where the operations endpoints listen. */
  /** The relay's settings, where /q/* is served, and how long a SIGTERM waits for calls. */
  public record Options(RelayConfig relay, InetSocketAddress ops, Duration drain) {}

  /** A command-line option, the environment variable behind it, its default (null: none). */
  private record Option(String flag, String variable, String defaultValue, String meaning) {}

  private static final List<Option> OPTIONS =
      List.of(
          new Option(
              "--control",
              "TRUNKLINE_RELAY_CONTROL",
              "0.0.0.0:" + RelayConfig.DEFAULT_CONTROL_PORT,
              "control protocol address (UDP)"),
          new Option(
              "--media-bind", "TRUNKLINE_RELAY_MEDIA_BIND", "0.0.0.0", "address media binds to"),
          new Option(
              "--advertise",
              "TRUNKLINE_RELAY_ADVERTISE",
              null,
              "address parties send media to; required when --media-bind is a wildcard"),
          new Option(
              "--ports",
              "TRUNKLINE_RELAY_PORTS",
              RelayConfig.DEFAULT_PORT_MIN + "-" + RelayConfig.DEFAULT_PORT_MAX,
              "media port range"),
          new Option(
              "--dscp",
              "TRUNKLINE_RELAY_DSCP",
              Integer.toString(RelayConfig.DEFAULT_DSCP),
              "DSCP of media packets"),
          new Option(
              "--idle-timeout",
              "TRUNKLINE_RELAY_IDLE_TIMEOUT",
              Long.toString(RelayConfig.DEFAULT_IDLE_TIMEOUT.toSeconds()),
              "seconds without media before a session is reaped"),
          new Option(
              "--max-sessions",
              "TRUNKLINE_RELAY_MAX_SESSIONS",
              Integer.toString(RelayConfig.DEFAULT_MAX_SESSIONS),
              "sessions held at most"),
          new Option(
              "--strict-source",
              "TRUNKLINE_RELAY_STRICT_SOURCE",
              "false",
              "accept media only from signalled addresses"),
          new Option("--zone", "TRUNKLINE_RELAY_ZONE", "", "zone reported to proxies"),
          new Option("--trunk", "TRUNKLINE_RELAY_TRUNK", "", "trunk served (metrics label)"),
          new Option(
              "--ops", "TRUNKLINE_RELAY_OPS", "0.0.0.0:8080", "/q/metrics and /q/health address"),
          new Option(
              "--drain",
              "TRUNKLINE_RELAY_DRAIN_SECONDS",
              "3500",
              "seconds a SIGTERM waits for live sessions to end"));

  private RelayMain() {}

  /**
   * Reads options from {@code args} ({@code --name value} pairs) over {@code env}.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  public static Options parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (Option option : OPTIONS) {
      String value = env.getOrDefault(option.variable(), option.defaultValue());
      if (value != null) {
        values.put(option.flag(), value);
      }
    }
    for (int i = 0; i < args.length; i += 2) {
      String flag = args[i];
      if (OPTIONS.stream().noneMatch(option -> option.flag().equals(flag))) {
        throw new IllegalArgumentException("unknown option " + flag);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      values.put(flag, args[i + 1]);
    }
    InetAddress mediaBind = address(values.get("--media-bind"), "--media-bind");
    InetAddress advertised;
    if (values.containsKey("--advertise")) {
      advertised = address(values.get("--advertise"), "--advertise");
    } else if (!mediaBind.isAnyLocalAddress()) {
      advertised = mediaBind;
    } else {
      throw new IllegalArgumentException(
          "--advertise (TRUNKLINE_RELAY_ADVERTISE) is required when media binds to a wildcard");
    }
    String ports = values.get("--ports");
    int dash = ports.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException("--ports must be MIN-MAX: " + ports);
    }
    String strict = values.get("--strict-source");
    if (!strict.equals("true") && !strict.equals("false")) {
      throw new IllegalArgumentException("--strict-source must be true or false: " + strict);
    }
    RelayConfig relay =
        new RelayConfig(
            socketAddress(values.get("--control"), "--control"),
            mediaBind,
            advertised,
            integer(ports.substring(0, dash), "--ports"),
            integer(ports.substring(dash + 1), "--ports"),
            integer(values.get("--dscp"), "--dscp"),
            Duration.ofSeconds(integer(values.get("--idle-timeout"), "--idle-timeout")),
            integer(values.get("--max-sessions"), "--max-sessions"),
            Boolean.parseBoolean(strict),
            values.get("--zone"),
            values.get("--trunk"));
    return new Options(
        relay,
        socketAddress(values.get("--ops"), "--ops"),
        Duration.ofSeconds(integer(values.get("--drain"), "--drain")));
  }

  public static void main(String[] args) throws Exception {
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    Options options;
    try {
      options = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
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
    StringBuilder usage = new StringBuilder("usage: RelayMain [--option value]...\n");
    for (Option option : OPTIONS) {
      String fallback = option.defaultValue();
      usage.append(
          String.format(
              "  %-16s %-30s %s%s%n",
              option.flag(),
              option.variable(),
              option.meaning(),
              fallback == null || fallback.isEmpty() ? "" : " (default " + fallback + ")"));
    }
    return usage.toString();
  }

  private static int integer(String value, String option) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number: " + value);
    }
  }

  private static InetAddress address(String value, String option) {
    try {
      return InetAddress.getByName(
          value.startsWith("[") ? value.substring(1, value.length() - 1) : value);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(option + " is not an address: " + value);
    }
  }

  private static InetSocketAddress socketAddress(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(option + " must be ADDRESS:PORT: " + value);
    }
    return new InetSocketAddress(
        address(value.substring(0, colon), option), integer(value.substring(colon + 1), option));
  }
}
