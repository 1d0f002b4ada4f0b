package io.trunkline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) for a test's lifetime, on a free
 * loopback port: its data and log in the test's folder, its API read as JSON. Closing it kills it
 * whatever happened.
 */
final class PrometheusServer implements AutoCloseable {

  private static final Duration START_LIMIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final URI api;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, URI api, Path log) {
    this.process = process;
    this.api = api;
    this.log = log;
  }

  /** Starts one with {@code config} (prometheus.yml) and waits until it is ready. */
  static PrometheusServer start(Path config, Path dir) {
    String binary = Executables.require("prometheus", "prometheus");
    int port = LoopbackPorts.freePort("127.0.0.1");
    Path log = dir.resolve("prometheus.log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      binary,
                      "--config.file=" + config,
                      "--storage.tsdb.path=" + dir.resolve("data"),
                      // Debian's package may run its own server on the default :9090.
                      "--web.listen-address=127.0.0.1:" + port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start prometheus", e);
    }
    PrometheusServer server =
        new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
    server.awaitReady();
    return server;
  }

  /** {@code /api/v1/<path>}'s {@code data}; fails on anything but success. */
  JsonNode data(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(api.resolve("/api/v1/" + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new IllegalStateException(path + ": " + response.statusCode() + " " + body);
      }
      return body.get("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The result of an instant PromQL query: a vector's samples, each with its metric's labels. */
  JsonNode query(String promql) {
    return data("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
  }

  /** Prometheus's own log, for a failure's message. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(unreadable log: " + e.getMessage() + ")";
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + log());
      }
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(api.resolve("/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      sleep();
    }
    close();
    throw new IllegalStateException("prometheus not ready within " + START_LIMIT + ": " + log());
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
