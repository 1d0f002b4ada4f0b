package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as the operator's pods run it: from mounted snapshot files and the environment. */
class ProxyPodSippTest {

  @TempDir Path work;

  @Test
  void servesFromTheMountedSnapshotAndTurnsUnreadyWhenDraining() throws Exception {
    int sipPort = LoopbackPorts.freePort("127.0.0.1");
    int opsPort = LoopbackPorts.freePort("127.0.0.1");
    SipTrunk trunk =
        Serialization.unmarshal(
            """
            metadata: {name: acme, namespace: office}
            spec:
              channels: 5
              sip: {port: %d}
              media: {mode: Bypass}
              carriers: [{name: a, address: 127.0.0.10}]
            """
                .formatted(sipPort),
            SipTrunk.class);
    Compilation compilation =
        TrunkCompiler.compile(trunk, List.of(), List.of(), (s, k) -> Optional.of("pw"));
    Path config = work.resolve("trunk.json");
    Path credentials = work.resolve("credentials.json");
    Files.writeString(config, TrunkConfigJson.write(compilation.config()));
    Files.writeString(credentials, TrunkConfigJson.write(compilation.credentials()));

    try (ProxyPod pod =
        ProxyPod.start(
            Map.of(
                "TRUNKLINE_CONFIG",
                config.toString(),
                "TRUNKLINE_CREDENTIALS",
                credentials.toString(),
                "TRUNKLINE_ADVERTISED_ADDRESS",
                "127.0.0.1",
                "TRUNKLINE_BIND",
                "127.0.0.1",
                "TRUNKLINE_OPS",
                "127.0.0.1:" + opsPort))) {
      SippResult probes =
          Sipp.bundled("options")
              .local("127.0.0.2", 0)
              .remote("127.0.0.1", sipPort)
              .calls(3)
              .start(work)
              .await();

      assertThat(probes.allCallsSucceeded()).as(probes.toString()).isTrue();
      assertThat(get(opsPort, "/q/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(opsPort, "/q/metrics").body())
          .contains("trunkline_sessions{trunk=\"acme\"} 0.0")
          .contains("trunkline_channels{trunk=\"acme\"} 5.0");

      pod.drain(Duration.ZERO);

      assertThat(get(opsPort, "/q/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(opsPort, "/q/health/live").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
