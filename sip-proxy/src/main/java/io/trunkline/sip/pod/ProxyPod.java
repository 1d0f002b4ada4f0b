package io.trunkline.sip.pod;

import static java.util.Objects.requireNonNullElse;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.process.ops.OpsServer;
import io.trunkline.process.settings.HostPort;
import io.trunkline.process.settings.ProcessSettings;
import io.trunkline.process.settings.Setting;
import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.sip.config.SnapshotWatcher;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.media.RelayPool;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.proxy.SipProxy;
import io.trunkline.sip.transport.SipServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The proxy as a pod runs it, configured by the environment the operator renders: the snapshot from
 * the mounted ConfigMap and Secret (swapped when they change), relays found by resolving the relay
 * pool's headless Service, metrics and health on {@code /q/*}. On SIGTERM it drains: readiness
 * turns false so no new traffic is sent to it, and it waits (bounded) for its calls to end.
 */
public final class ProxyPod implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ProxyPod.class.getName());

  private final SnapshotWatcher snapshots;
  private final SipServer server;
  private final SipProxy proxy;
  private final RelayPool relays;
  private final OpsServer ops;
  private final ScheduledExecutorService discovery;
  private volatile boolean draining;

  private ProxyPod(
      SnapshotWatcher snapshots,
      SipServer server,
      SipProxy proxy,
      RelayPool relays,
      OpsServer ops,
      ScheduledExecutorService discovery) {
    this.snapshots = snapshots;
    this.server = server;
    this.proxy = proxy;
    this.relays = relays;
    this.ops = ops;
    this.discovery = discovery;
  }

  private static final Setting CONFIG =
      Setting.variable("TRUNKLINE_CONFIG", null, "the mounted snapshot file");
  private static final Setting CREDENTIALS =
      Setting.variable("TRUNKLINE_CREDENTIALS", null, "the mounted credentials file");
  private static final Setting ADVERTISED_ADDRESS =
      Setting.variable(
          "TRUNKLINE_ADVERTISED_ADDRESS",
          null,
          "address Via, Record-Route and SDP carry (else POD_IP)");
  private static final Setting ADVERTISED_PORT =
      Setting.variable(
          "TRUNKLINE_ADVERTISED_PORT",
          null,
          "SIP port Via and Record-Route carry (else the trunk's), e.g. a Service's node port");
  private static final Setting ADVERTISED_TLS_PORT =
      Setting.variable(
          "TRUNKLINE_ADVERTISED_TLS_PORT",
          null,
          "SIPS port Via and Record-Route carry (else the trunk's TLS port)");
  private static final Setting POD_IP =
      Setting.variable("POD_IP", null, "the pod's address, from the downward API");
  private static final Setting BIND =
      Setting.variable("TRUNKLINE_BIND", "0.0.0.0", "address SIP binds to, on the trunk's ports");
  private static final Setting RELAYS =
      Setting.variable(
          "TRUNKLINE_RELAYS",
          null,
          "HOST:PORT of the relays' headless Service; unset: media bypass only");
  private static final Setting RELAY_CONTROL_KEY =
      Setting.variable(
          "TRUNKLINE_RELAY_CONTROL_KEY",
          null,
          "the trunk's relay control key, 64 hex digits; required with TRUNKLINE_RELAYS");
  private static final Setting ZONE = Setting.variable("TRUNKLINE_ZONE", "", "the pod's zone");
  private static final Setting OPS =
      Setting.variable("TRUNKLINE_OPS", "0.0.0.0:8080", "/q/metrics and /q/health address");
  private static final Setting TLS_DIR =
      Setting.variable(
          "TRUNKLINE_TLS_DIR",
          "/etc/trunkline/tls",
          "folder of tls.crt and tls.key, for SIP over TLS");
  private static final Setting CARRIER_CA =
      Setting.variable(
          "TRUNKLINE_CARRIER_CA",
          null,
          "PEM bundle of CAs trusted for TLS to carriers, beside the JDK's");
  private static final Setting DRAIN =
      Setting.variable(
          "TRUNKLINE_DRAIN_SECONDS", "3500", "seconds a SIGTERM waits for calls to end");

  private static final Setting POD_NAME =
      Setting.variable("POD_NAME", "proxy", "the pod's name, its replica name in the pool");

  private static final List<Setting> SETTINGS =
      Stream.concat(
              Stream.of(
                  CONFIG,
                  CREDENTIALS,
                  ADVERTISED_ADDRESS,
                  ADVERTISED_PORT,
                  ADVERTISED_TLS_PORT,
                  POD_IP,
                  POD_NAME,
                  BIND,
                  RELAYS,
                  RELAY_CONTROL_KEY,
                  ZONE,
                  OPS,
                  TLS_DIR,
                  CARRIER_CA,
                  DRAIN),
              PoolSettings.ALL.stream())
          .toList();

  /**
   * What the pod runs with, from the environment the operator renders.
   *
   * @param relays the relays' headless Service, or null for media bypass only
   * @param relayControlKey the key control requests are signed with, or null without relays
   * @param advertisedPort the port peers send SIP to, or null for the trunk's own
   * @param advertisedTlsPort the port peers send SIPS to, or null for the trunk's own
   * @param carrierCa the CAs trusted for TLS to carriers beside the JDK's, or null for the JDK's
   */
  public record Options(
      Path config,
      Path credentials,
      String advertised,
      Integer advertisedPort,
      Integer advertisedTlsPort,
      InetAddress bind,
      HostPort relays,
      ControlKey relayControlKey,
      String zone,
      InetSocketAddress ops,
      File tlsDir,
      File carrierCa,
      Duration drain,
      String replica,
      String podIp,
      PoolSettings pool) {

    /**
     * Reads {@code env}: the variables declared above, each with its meaning and default, and the
     * pool's ({@link PoolSettings}).
     *
     * @throws IllegalArgumentException naming the variable that is wrong
     */
    public static Options parse(Map<String, String> env) {
      ProcessSettings settings = ProcessSettings.environment(SETTINGS, env);
      String advertised =
          settings
              .optional(ADVERTISED_ADDRESS)
              .or(() -> settings.optional(POD_IP))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "set " + ADVERTISED_ADDRESS.variable() + " or " + POD_IP.variable()));
      return new Options(
          Path.of(settings.text(CONFIG)),
          Path.of(settings.text(CREDENTIALS)),
          advertised,
          settings.has(ADVERTISED_PORT) ? settings.port(ADVERTISED_PORT) : null,
          settings.has(ADVERTISED_TLS_PORT) ? settings.port(ADVERTISED_TLS_PORT) : null,
          settings.address(BIND),
          settings.has(RELAYS) ? settings.hostPort(RELAYS) : null,
          settings.has(RELAYS)
              ? settings.secret(RELAY_CONTROL_KEY, "64 hex digits", ControlKey::parse)
              : null,
          settings.text(ZONE),
          settings.socketAddress(OPS),
          new File(settings.text(TLS_DIR)),
          settings.optional(CARRIER_CA).map(File::new).orElse(null),
          settings.seconds(DRAIN),
          settings.text(POD_NAME),
          settings.optional(POD_IP).orElse(null),
          PoolSettings.read(settings));
    }
  }

  /** Starts from {@code env}, read by {@link Options#parse}. */
  public static ProxyPod start(Map<String, String> env) throws InterruptedException, IOException {
    return start(Options.parse(env));
  }

  public static ProxyPod start(Options options) throws InterruptedException, IOException {
    SnapshotWatcher snapshots =
        SnapshotWatcher.start(options.config(), options.credentials(), Duration.ofSeconds(2));
    TrunkConfig config = snapshots.current().config();
    String advertised = options.advertised();
    InetSocketAddress bind = new InetSocketAddress(options.bind(), config.listener().port());
    SipServer.TlsFiles tls = null;
    if (config.listener().transports().contains("TLS")) {
      File dir = options.tlsDir();
      tls =
          new SipServer.TlsFiles(
              config.listener().tlsPort(), new File(dir, "tls.crt"), new File(dir, "tls.key"));
    }
    String zone = options.zone();
    RelayPool relays = new RelayPool(zone, List.of());
    HostPort relayService = options.relays();
    ScheduledExecutorService discovery =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "relay-discovery");
              thread.setDaemon(true);
              return thread;
            });
    if (relayService != null) {
      // A new trunk's proxies may start before any relay is ready, when the headless Service has
      // no address yet: they start anyway, look again every second until they find one (they are
      // not ready until then), then every ten as relay pods come and go.
      followRelays(discovery, relays, relayService, new ControlSigner(options.relayControlKey()));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProxyMetrics metrics = new ProxyMetrics(registry, config.trunk());
    // Behind a node port the port peers send to is not the one the proxy listens on.
    SipProxy.Settings settings =
        new SipProxy.Settings(
            advertised,
            requireNonNullElse(options.advertisedPort(), config.listener().port()),
            requireNonNullElse(options.advertisedTlsPort(), config.listener().tlsPort()));
    MediaAnchor media = new MediaAnchor(relays);
    SipProxy.Running running =
        SipProxy.serve(
            new SipServer.Settings(bind, config.qos().signallingDscp(), tls, options.carrierCa()),
            snapshots::current,
            settings,
            options
                .pool()
                .open(
                    options.replica(),
                    config.trunk(),
                    member(options, config),
                    options.relayControlKey()),
            metrics,
            media);
    ProxyPod[] pod = new ProxyPod[1];
    OpsServer ops =
        OpsServer.start(
            options.ops(),
            registry,
            () -> pod[0] != null && !pod[0].draining && (relayService == null || relays.found()));
    pod[0] = new ProxyPod(snapshots, running.server(), running.proxy(), relays, ops, discovery);
    LOG.log(
        System.Logger.Level.INFO,
        "trunk {0}: SIP on {1} as {2}, zone {3}, relays {4}",
        config.trunk(),
        running.server().udpAddress(),
        advertised,
        zone,
        relayService == null ? "none" : relayService);
    return pod[0];
  }

  /** Where the pool's other proxies reach this one: the pod's own address, on the SIP port. */
  private static InetSocketAddress member(Options options, TrunkConfig config) {
    String address = options.podIp() != null ? options.podIp() : options.advertised();
    return new InetSocketAddress(address, config.listener().port());
  }

  /**
   * Stops taking new traffic (readiness false, new calls handed to the pool's other proxies), waits
   * until no call is left or {@code limit} passed, then ends the calls still up with a BYE to both
   * parties: scale-down and rolling upgrades cut no call silently.
   */
  public void drain(Duration limit) throws InterruptedException {
    draining = true;
    int ended = proxy.drain(limit);
    // Straight to stderr (the pod's log): this runs in a shutdown hook, and java.util.logging
    // resets its handlers in a shutdown hook of its own, so a logger line here may be lost.
    System.err.printf(
        "drained: %d calls still up at the bound of %d s ended with BYE%n",
        ended, limit.toSeconds());
  }

  public SipServer server() {
    return server;
  }

  public SipProxy proxy() {
    return proxy;
  }

  public InetSocketAddress opsAddress() {
    return ops.address();
  }

  @Override
  public void close() {
    discovery.shutdownNow();
    ops.close();
    server.close();
    proxy.close();
    relays.close();
    snapshots.close();
  }

  public static void main(String[] args) throws Exception {
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    // The pool's members and relays are found by DNS every few seconds as pods come and go; the
    // JVM would answer from its own cache for 30 s, so a new pod would stay unknown to the others
    // that long (and they to it). Set before the first look-up, which fixes the cache's policy.
    Security.setProperty("networkaddress.cache.ttl", "1");
    Options options;
    try {
      options = Options.parse(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(ProcessSettings.usage("ProxyPod (settings from the environment)", SETTINGS));
      System.exit(64);
      return;
    }
    ProxyPod pod = start(options);
    Duration drain = options.drain();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pod.drain(drain);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  pod.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static void followRelays(
      ScheduledExecutorService discovery,
      RelayPool relays,
      HostPort service,
      ControlSigner signer) {
    follow(relays, service, signer);
    long delay = relays.relays().isEmpty() ? 1 : 10;
    discovery.schedule(
        () -> followRelays(discovery, relays, service, signer), delay, TimeUnit.SECONDS);
  }

  private static void follow(RelayPool relays, HostPort service, ControlSigner signer) {
    try {
      relays.update(resolve(service), signer);
    } catch (UnknownHostException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "relay Service {0} does not resolve now; keeping the last relays",
          service);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "relay discovery failed", e);
    }
  }

  /** Every address of the relay pool's headless Service: one per relay pod. */
  private static List<InetSocketAddress> resolve(HostPort service) throws UnknownHostException {
    List<InetSocketAddress> all = new ArrayList<>();
    for (InetAddress address : InetAddress.getAllByName(service.host())) {
      all.add(new InetSocketAddress(address, service.port()));
    }
    return all;
  }
}
