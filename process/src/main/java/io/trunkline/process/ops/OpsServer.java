package io.trunkline.process.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoints of a data-plane pod, at the paths Quarkus uses so that the chart's
 * probes and PodMonitor treat every pod alike: {@code /q/metrics} (Prometheus text), {@code
 * /q/health/live} and {@code /q/health/ready} (503 while not ready). The JDK's HTTP server keeps
 * the engines free of a web framework; scrapes and probes are a few requests a minute.
 *
 * <p>The metrics include the JVM's heap and its collector's pauses ({@code jvm_memory_*}, {@code
 * jvm_gc_*}): a pause stops every worker at once, so it is where a proxy's setup-time tail comes
 * from (docs/decisions/0035-the-proxy-pod-runs-g1.md).
 */
public final class OpsServer implements AutoCloseable {

  /**
   * Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes.
   */
  private static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String UP = "{\"status\":\"UP\",\"checks\":[]}";
  private static final String DOWN = "{\"status\":\"DOWN\",\"checks\":[]}";

  private final HttpServer server;
  private final ExecutorService executor;
  private final JvmGcMetrics collector;

  private OpsServer(HttpServer server, ExecutorService executor, JvmGcMetrics collector) {
    this.server = server;
    this.executor = executor;
    this.collector = collector;
  }

  /**
   * Serves on {@code address} until closed.
   *
   * @param ready whether the pod takes new work; liveness only says the process answers
   */
  public static OpsServer start(
      InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier ready)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "ops-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/q/metrics", exchange -> respond(exchange, 200, METRICS_TYPE, registry.scrape()));
    server.createContext(
        "/q/health/live", exchange -> respond(exchange, 200, "application/json", UP));
    server.createContext(
        "/q/health/ready",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          respond(exchange, isReady ? 200 : 503, "application/json", isReady ? UP : DOWN);
        });
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics collector = new JvmGcMetrics();
    collector.bindTo(registry);
    server.start();
    return new OpsServer(server, executor, collector);
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    // Its listeners on the collector's notifications outlive the server otherwise.
    collector.close();
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!exact(exchange)) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n", true);
      } else if (method.equals("GET") || method.equals("HEAD")) {
        send(exchange, status, type, body, method.equals("GET"));
      } else {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n", true);
      }
    }
  }

  /** Contexts match by prefix; {@code /q/metrics/x} is not a path we serve. */
  private static boolean exact(HttpExchange exchange) {
    return exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath());
  }

  private static void send(
      HttpExchange exchange, int status, String type, String body, boolean withBody)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, withBody ? bytes.length : -1);
    if (withBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
