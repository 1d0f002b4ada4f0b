package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The media relay's image as its pods run it: on a read-only root filesystem (and so a read-only
 * /tmp) as its non-root user, with Netty's native epoll transport, which it must load from the
 * image's library path since it cannot unpack it to /tmp (decision 0011).
 */
class MediaRelayImageTest {

  private static Path work;
  private static GenericContainer<?> relay;

  @BeforeAll
  static void start() throws Exception {
    work = ImageFiles.folder("media-relay-image");
    // Netty says at FINE which native library it loaded; the JVM reads the option from the
    // environment, so the image runs unchanged.
    Path logging =
        ImageFiles.write(
            work.resolve("logging.properties"),
            """
        handlers=java.util.logging.ConsoleHandler
        java.util.logging.ConsoleHandler.level=FINE
        io.netty.util.internal.NativeLibraryLoader.level=FINE
        """);
    relay =
        BuildImages.container("media-relay")
            .withEnv("TRUNKLINE_RELAY_ADVERTISE", "127.0.0.1")
            .withEnv("TRUNKLINE_RELAY_CONTROL_KEY", ImageNetwork.RELAY_CONTROL_KEY)
            .withEnv(
                "JAVA_TOOL_OPTIONS",
                "-Djava.util.logging.config.file=/etc/trunkline/logging.properties")
            .withCreateContainerCmdModifier(
                ImageFiles.mounted(logging, "/etc/trunkline/logging.properties"))
            .withExposedPorts(8080)
            .waitingFor(
                Wait.forHttp("/q/health/live")
                    .forPort(8080)
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofSeconds(60)));
    relay.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      relay.stop();
    }
    ImageFiles.delete(work);
  }

  @Test
  void answersLivenessAsItsNonRootUserOnAReadOnlyRoot() throws Exception {
    HttpResponse<String> live = get("/q/health/live");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"UP\"");
    assertThat(relay.getContainerInfo().getConfig().getUser()).isEqualTo("65532:65532");
    assertThat(relay.getContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
  }

  @Test
  void itsFilesBelongToRootAndOnlyTmpIsWorldWritable() {
    assertThat(ImageTarball.unsafeFiles("media-relay")).isEmpty();
  }

  @Test
  void loadsNettysNativeEpollTransportFromTheImage() {
    assertThat(relay.getLogs())
        .contains("Successfully loaded the library netty_transport_native_epoll")
        .contains("advertised as 127.0.0.1");
  }

  @Test
  void exportsItsMetrics() throws Exception {
    HttpResponse<String> metrics = get("/q/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("trunkline_relay_");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://" + relay.getHost() + ":" + relay.getMappedPort(8080) + path);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
