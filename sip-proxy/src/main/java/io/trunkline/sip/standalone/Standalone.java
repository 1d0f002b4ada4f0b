package io.trunkline.sip.standalone;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.Problem;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.sip.config.Snapshot;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.proxy.SipProxy;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.transport.SipServer;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a trunk's edge on one machine from a folder of the same YAML the operator takes: {@code
 * Standalone examples/small-office [--bind ADDRESS:PORT] [--trunk NAME]}.
 */
public final class Standalone implements AutoCloseable {

  private final SipServer server;
  private final SipProxy proxy;
  private final TrunkConfig config;

  private Standalone(SipServer server, SipProxy proxy, TrunkConfig config) {
    this.server = server;
    this.proxy = proxy;
    this.config = config;
  }

  /**
   * Compiles the folder's trunk and starts serving it.
   *
   * @param bind where to listen; null means all addresses on the trunk's SIP port
   * @param trunkName which trunk, when the folder holds several; null when it holds one
   * @throws IllegalArgumentException naming every field or reference that is wrong
   */
  public static Standalone start(
      Path folder, InetSocketAddress bind, String trunkName, PrintStream log)
      throws InterruptedException {
    FolderResources resources = FolderResources.load(folder);
    List<String> missing = resources.missingRequiredFields();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          folder + " is not usable:\n  " + String.join("\n  ", missing));
    }
    SipTrunk trunk = pick(resources.trunks(), trunkName, folder);
    if (trunk.getMetadata().getNamespace() == null) {
      trunk.getMetadata().setNamespace("standalone");
    }
    Compilation compilation =
        TrunkCompiler.compile(
            trunk, resources.lines(), resources.policies(), resources.secretLookup());
    for (Problem problem : compilation.problems()) {
      log.printf(
          "%s %s: %s (%s)%n", problem.kind(), problem.name(), problem.message(), problem.reason());
    }
    if (compilation.blocked()) {
      throw new IllegalArgumentException(
          "trunk " + trunk.getMetadata().getName() + " cannot start: see the problems above");
    }
    TrunkConfig config = compilation.config();
    InetSocketAddress address =
        bind != null ? bind : new InetSocketAddress(config.listener().port());
    Snapshot snapshot = new Snapshot(config, compilation.credentials());
    ProxyMetrics metrics =
        new ProxyMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.trunk());
    String advertised =
        config.listener().advertisedAddress() != null
            ? config.listener().advertisedAddress()
            : address.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress().getHostAddress()
                : address.getAddress().getHostAddress();
    SipProxy.Settings proxySettings =
        new SipProxy.Settings(advertised, address.getPort(), config.listener().tlsPort());
    SipProxy[] proxy = new SipProxy[1];
    SipServer server =
        SipServer.start(
            SipServer.Settings.plain(address, config.qos().signallingDscp()),
            sender ->
                proxy[0] =
                    new SipProxy(
                        () -> snapshot,
                        proxySettings,
                        sender,
                        new InMemoryLocationStore(),
                        new InMemoryChannelQuota(),
                        metrics,
                        Clock.systemUTC()));
    metrics.transport(server.stats());
    proxy[0].start();
    log.printf(
        "trunk %s (snapshot %s): %d lines, %d routes, %d channels; SIP on udp and tcp %s%n",
        config.trunk(),
        config.version(),
        config.lines().size(),
        config.routes().size(),
        config.quota().channels(),
        server.udpAddress());
    return new Standalone(server, proxy[0], config);
  }

  public TrunkConfig config() {
    return config;
  }

  public SipServer server() {
    return server;
  }

  public SipProxy proxy() {
    return proxy;
  }

  @Override
  public void close() {
    server.close();
    proxy.close();
  }

  public static void main(String[] args) throws Exception {
    // Netty would pick log4j (JAIN-SIP brings it); keep the engine's own lines on one logger.
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    if (args.length < 1) {
      System.err.println("usage: Standalone FOLDER [--bind ADDRESS:PORT] [--trunk NAME]");
      System.exit(64);
    }
    InetSocketAddress bind = null;
    String trunk = null;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--bind" -> {
          int colon = args[i + 1].lastIndexOf(':');
          bind =
              new InetSocketAddress(
                  args[i + 1].substring(0, colon),
                  Integer.parseInt(args[i + 1].substring(colon + 1)));
        }
        case "--trunk" -> trunk = args[i + 1];
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(64);
        }
      }
    }
    Standalone edge;
    try {
      edge = start(Path.of(args[0]), bind, trunk, System.out);
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
                  edge.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  private static SipTrunk pick(List<SipTrunk> trunks, String name, Path folder) {
    if (name != null) {
      return trunks.stream()
          .filter(t -> name.equals(t.getMetadata().getName()))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no SipTrunk " + name + " in " + folder));
    }
    if (trunks.size() != 1) {
      throw new IllegalArgumentException(
          folder + " holds " + trunks.size() + " SipTrunks; name one with --trunk");
    }
    return trunks.get(0);
  }
}
