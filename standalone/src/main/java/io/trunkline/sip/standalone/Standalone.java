package io.trunkline.sip.standalone;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.process.ops.OpsServer;
import io.trunkline.process.settings.ProcessSettings;
import io.trunkline.process.settings.Setting;
import io.trunkline.relay.MediaRelay;
import io.trunkline.relay.RelayConfig;
import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.RelayClient;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.media.RelayPool;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.proxy.SipProxy;
import io.trunkline.sip.transport.SipServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Runs a trunk's edge on one machine from a folder of the same YAML the operator takes: {@code
 * Standalone examples/small-office [--bind ADDRESS:PORT] [--trunk NAME]}.
 */
public final class Standalone implements AutoCloseable {

  private final SipServer server;
  private final SipProxy proxy;
  private final MediaRelay relay;
  private final OpsServer ops;
  private final FolderSnapshots snapshots;

  private Standalone(
      SipServer server,
      SipProxy proxy,
      MediaRelay relay,
      OpsServer ops,
      FolderSnapshots snapshots) {
    this.server = server;
    this.proxy = proxy;
    this.relay = relay;
    this.ops = ops;
    this.snapshots = snapshots;
  }

  /**
   * How to run: where SIP listens (null: all addresses on the trunk's port), which trunk of the
   * folder (null when it holds one), where metrics and health are served (null: nowhere), and the
   * control addresses of relays running elsewhere (empty: one relay in this process) with the key
   * they hold (null without them: the relay in this process shares a fresh one with the proxy) and
   * the proxy's zone among them (null: the trunk's first zone).
   */
  public record Options(
      InetSocketAddress bind,
      String trunk,
      InetSocketAddress ops,
      List<InetSocketAddress> relays,
      ControlKey relayControlKey,
      String zone,
      PoolSettings pool) {
    public Options {
      relays = List.copyOf(relays);
      if (!relays.isEmpty() && relayControlKey == null) {
        throw new IllegalArgumentException("relays running elsewhere need the key they hold");
      }
    }

    public static Options bind(InetSocketAddress bind) {
      return new Options(bind, null, null, List.of(), null, null, PoolSettings.ALONE);
    }

    public Options withOps(InetSocketAddress address) {
      return new Options(bind, trunk, address, relays, relayControlKey, zone, pool);
    }

    /**
     * Relays running elsewhere.
     *
     * @param key the control key the relays were started with
     */
    public Options withRelays(String proxyZone, List<InetSocketAddress> addresses, ControlKey key) {
      return new Options(bind, trunk, ops, addresses, key, proxyZone, pool);
    }

    public Options withTrunk(String name) {
      return new Options(bind, name, ops, relays, relayControlKey, zone, pool);
    }

    /** One replica of a pool of proxies, each started on its own address. */
    public Options inPool(PoolSettings settings) {
      return new Options(bind, trunk, ops, relays, relayControlKey, zone, settings);
    }
  }

  /** Starts without a metrics endpoint. */
  public static Standalone start(
      Path folder, InetSocketAddress bind, String trunkName, PrintStream log)
      throws InterruptedException, IOException {
    return start(folder, Options.bind(bind).withTrunk(trunkName), log);
  }

  /**
   * Compiles the folder's trunk and starts its proxy, and its relay when the trunk anchors media;
   * then watches the folder and swaps in each change that compiles.
   *
   * @throws IllegalArgumentException naming every field or reference that is wrong
   */
  public static Standalone start(Path folder, Options options, PrintStream log)
      throws InterruptedException, IOException {
    FolderSnapshots snapshots = FolderSnapshots.load(folder, options.trunk(), log);
    TrunkConfig config = snapshots.get().config();
    InetSocketAddress address =
        options.bind() != null ? options.bind() : new InetSocketAddress(config.listener().port());
    String advertised =
        config.listener().advertisedAddress() != null
            ? config.listener().advertisedAddress()
            : address.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress().getHostAddress()
                : address.getAddress().getHostAddress();
    String zone =
        options.zone() != null
            ? options.zone()
            : config.zones().isEmpty() ? "local" : config.zones().get(0);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MediaRelay relay = null;
    // With the relay in this process, a key no other process knows: control is on loopback, but
    // any local user could reach it there.
    ControlKey key = options.relays().isEmpty() ? ControlKey.random() : options.relayControlKey();
    ControlSigner signer = new ControlSigner(key);
    List<RelayClient> relays = new ArrayList<>();
    for (InetSocketAddress control : options.relays()) {
      relays.add(RelayClient.open(control, signer));
    }
    if (config.media().relay() && relays.isEmpty()) {
      // The relay shares the proxy's host: media on the SIP address, control on loopback.
      relay =
          MediaRelay.start(
              new RelayConfig(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                  address.getAddress(),
                  InetAddress.getByName(advertised),
                  config.media().portMin(),
                  config.media().portMax(),
                  config.qos().mediaDscp(),
                  Duration.ofSeconds(config.media().relayIdleTimeoutSeconds()),
                  config.quota().channels(),
                  false,
                  zone,
                  config.trunk(),
                  key),
              registry);
      relays.add(RelayClient.open(relay.controlAddress(), signer));
    }
    ProxyMetrics metrics = new ProxyMetrics(registry, config.trunk());
    SipProxy.Settings settings =
        new SipProxy.Settings(advertised, address.getPort(), config.listener().tlsPort());
    MediaAnchor media = new MediaAnchor(new RelayPool(zone, relays));
    SipProxy.Running running =
        SipProxy.serve(
            SipServer.Settings.plain(address, config.qos().signallingDscp()),
            snapshots,
            settings,
            options
                .pool()
                .open(
                    advertised + ":" + address.getPort(),
                    config.trunk(),
                    new InetSocketAddress(advertised, address.getPort()),
                    // The trunk's key when its relays are named; one of its own is no shared key.
                    options.relays().isEmpty() ? null : key),
            metrics,
            media);
    snapshots.watch(Duration.ofSeconds(2));
    OpsServer ops =
        options.ops() == null ? null : OpsServer.start(options.ops(), registry, () -> true);
    log.printf(
        "trunk %s (snapshot %s): %d lines, %d routes, %d channels; SIP on udp and tcp %s%s%s%n",
        config.trunk(),
        config.version(),
        config.lines().size(),
        config.routes().size(),
        config.quota().channels(),
        running.server().udpAddress(),
        !config.media().relay()
            ? ", media bypassed"
            : relay == null
                ? ", media relayed by " + options.relays()
                : ", media relayed on ports "
                    + config.media().portMin()
                    + "-"
                    + config.media().portMax(),
        ops == null
            ? ""
            : "; metrics on http://"
                + ops.address().getHostString()
                + ":"
                + ops.address().getPort()
                + "/q/metrics");
    return new Standalone(running.server(), running.proxy(), relay, ops, snapshots);
  }

  /**
   * Drains the proxy before it stops: no new call, calls up until {@code bound}, those still up
   * then ended with a BYE to both parties. Returns how many were ended so.
   */
  public int drain(Duration bound) throws InterruptedException {
    return proxy.drain(bound);
  }

  /** The snapshot new calls use now. */
  public TrunkConfig config() {
    return snapshots.get().config();
  }

  public SipServer server() {
    return server;
  }

  public SipProxy proxy() {
    return proxy;
  }

  /** The in-process relay, or null when the trunk bypasses media. */
  public MediaRelay relay() {
    return relay;
  }

  @Override
  public void close() {
    snapshots.close();
    if (ops != null) {
      ops.close();
    }
    server.close();
    proxy.close();
    if (relay != null) {
      relay.close();
    }
  }

  /** What the command line asks for: the folder, how to run it, and how long a stop drains. */
  record Command(Path folder, Options options, Duration drain) {}

  private static final Setting BIND =
      Setting.flag(
          "--bind", null, "SIP address and port (default: every address, the trunk's port)");
  private static final Setting TRUNK =
      Setting.flag("--trunk", null, "the trunk to serve, when the folder holds several");
  private static final Setting OPS =
      Setting.flag("--ops", "127.0.0.1:8080", "/q/metrics and /q/health address");
  private static final Setting RELAY =
      Setting.flag(
          "--relay",
          null,
          "control address of a relay running elsewhere, once per relay (default: one in this"
              + " process)");
  private static final Setting ZONE =
      Setting.flag(
          "--zone", null, "the proxy's zone among those relays (default: the trunk's first)");

  /** The environment only: a key on the command line would show in every process listing. */
  private static final Setting RELAY_CONTROL_KEY =
      Setting.variable(
          "TRUNKLINE_RELAY_CONTROL_KEY",
          null,
          "the key those relays hold (their TRUNKLINE_RELAY_CONTROL_KEY); required with --relay");

  private static final Setting DRAIN =
      Setting.flag(
          "--drain",
          "0",
          "seconds a stop waits for calls to end before ending them with BYE to both parties");

  private static final List<Setting> SETTINGS =
      Stream.concat(
              Stream.of(BIND, TRUNK, OPS, RELAY, RELAY_CONTROL_KEY, ZONE, DRAIN),
              PoolSettings.ALL.stream())
          .toList();

  private static final String SYNOPSIS =
      "Standalone FOLDER [--bind ADDRESS:PORT] [--trunk NAME] [--ops ADDRESS:PORT]"
          + " [--relay CONTROL-ADDRESS:PORT]... [--zone ZONE] [--drain SECONDS]"
          + " [--pool-size N [--member ADDRESS:PORT]... [--store HOST:PORT [--store-tls true]"
          + " [--store-lease SECONDS]]]";

  /**
   * Reads the command line: one folder, and options before or after it.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static Command parse(String[] args, Map<String, String> env) {
    ProcessSettings settings = ProcessSettings.read(SETTINGS, args, env);
    if (settings.arguments().size() != 1) {
      throw new IllegalArgumentException(
          settings.arguments().isEmpty()
              ? "name the folder to serve"
              : "one folder only: " + settings.arguments());
    }
    return new Command(
        Path.of(settings.arguments().get(0)),
        new Options(
            settings.has(BIND) ? settings.socketAddress(BIND) : null,
            settings.optional(TRUNK).orElse(null),
            settings.socketAddress(OPS),
            settings.socketAddresses(RELAY),
            settings.has(RELAY)
                ? settings.secret(RELAY_CONTROL_KEY, "64 hex digits", ControlKey::parse)
                : null,
            settings.optional(ZONE).orElse(null),
            PoolSettings.read(settings)),
        settings.seconds(DRAIN));
  }

  static String usage() {
    return ProcessSettings.usage(SYNOPSIS, SETTINGS);
  }

  public static void main(String[] args) throws Exception {
    // Netty would pick log4j (JAIN-SIP brings it); keep the engine's own lines on one logger.
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    Command command;
    try {
      command = parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(usage());
      System.exit(64);
      return;
    }
    Standalone edge;
    try {
      edge = start(command.folder(), command.options(), System.out);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    int ended = edge.drain(command.drain());
                    // Not through a logger: java.util.logging resets itself in a shutdown hook of
                    // its own, beside this one.
                    System.err.printf(
                        "stopped: %d calls still up after %d s ended with BYE to both parties%n",
                        ended, command.drain().toSeconds());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  edge.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
