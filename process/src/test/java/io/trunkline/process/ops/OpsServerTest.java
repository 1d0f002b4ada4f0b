package io.trunkline.process.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean ready = new AtomicBoolean();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private OpsServer server;

  @BeforeEach
  void start() throws Exception {
    server = OpsServer.start(new InetSocketAddress("127.0.0.1", 0), registry, ready::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesPrometheusText() throws Exception {
    Counter.builder("trunkline.calls").tag("trunk", "acme").register(registry).increment(3);

    HttpResponse<String> response = get("/q/metrics", "GET");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("trunkline_calls_total{trunk=\"acme\"} 3.0");
  }

  @Test
  void servesTheHeapAndTheCollectorsPauses() throws Exception {
    String before = get("/q/metrics", "GET").body();
    assertThat(before).containsPattern("jvm_memory_max_bytes\\{area=\"heap\",id=\"[^\"]+\"\\}");

    // A collection the test asks for, so that a pause is on record whatever ran before.
    System.gc();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get("/q/metrics", "GET").body())
                    .containsPattern(
                        "jvm_gc_pause_seconds_count\\{[^}]*cause=\"System.gc\\(\\)\""));
  }

  @Test
  void livenessIsUpAndReadinessFollowsTheSupplier() throws Exception {
    assertThat(get("/q/health/live", "GET").statusCode()).isEqualTo(200);
    HttpResponse<String> notReady = get("/q/health/ready", "GET");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("\"DOWN\"");

    ready.set(true);

    HttpResponse<String> isReady = get("/q/health/ready", "GET");
    assertThat(isReady.statusCode()).isEqualTo(200);
    assertThat(isReady.body()).contains("\"UP\"");
  }

  @Test
  void answersOnlyItsPathsAndMethods() throws Exception {
    assertThat(get("/q/metrics/extra", "GET").statusCode()).isEqualTo(404);
    assertThat(get("/", "GET").statusCode()).isEqualTo(404);
    assertThat(get("/q/metrics", "DELETE").statusCode()).isEqualTo(405);
    assertThat(get("/q/health/live", "HEAD").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    InetSocketAddress address = server.address();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
