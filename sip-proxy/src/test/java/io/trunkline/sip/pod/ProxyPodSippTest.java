package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.metrics.DocumentedMetrics;
import io.trunkline.testing.metrics.Series;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as the operator's pods run it: from mounted snapshot files and the environment. */
class ProxyPodSippTest {

  private final DocumentedMetrics contract = DocumentedMetrics.read();

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
      assertThat(refusedInvite(sipPort)).isEqualTo("SIP/2.0 403 Unknown Caller");
      assertThat(get(opsPort, "/q/health/ready").statusCode()).isEqualTo(200);
      String scrape = get(opsPort, "/q/metrics").body();
      assertThat(scrape)
          .contains("trunkline_sessions{trunk=\"acme\"} 0.0")
          .contains("trunkline_channels{trunk=\"acme\"} 5.0");
      // What it serves is what docs/metrics.md documents, each series with its documented
      // labels: among it the proxy series the chart's alerts read, and the 403 just sent.
      List<Series> served = Series.ofScrape(scrape);
      assertThat(contract.departures(served, Set.of())).isEmpty();
      assertThat(served.stream().map(Series::name))
          .contains(
              "trunkline_sessions",
              "trunkline_channels",
              "trunkline_carrier_up",
              "trunkline_calls_total",
              "trunkline_calls_rejected_total",
              "trunkline_sip_responses_total");

      pod.drain(Duration.ZERO);

      assertThat(get(opsPort, "/q/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(opsPort, "/q/health/live").statusCode()).isEqualTo(200);
    }
  }

  /** An INVITE from a source that is no line and no carrier: the proxy's answer's status line. */
  private static String refusedInvite(int sipPort) throws Exception {
    try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      byte[] invite =
          """
          INVITE sip:+4930123456@127.0.0.1 SIP/2.0\r
          Via: SIP/2.0/UDP 127.0.0.2:%d;branch=z9hG4bK-stranger\r
          Max-Forwards: 70\r
          From: <sip:stranger@127.0.0.2>;tag=s1\r
          To: <sip:+4930123456@127.0.0.1>\r
          Call-ID: stranger@127.0.0.2\r
          CSeq: 1 INVITE\r
          Contact: <sip:stranger@127.0.0.2:%d>\r
          Content-Length: 0\r
          \r
          """
              .formatted(stranger.getLocalPort(), stranger.getLocalPort())
              .getBytes(StandardCharsets.US_ASCII);
      stranger.send(
          new DatagramPacket(invite, invite.length, new InetSocketAddress("127.0.0.1", sipPort)));
      stranger.setSoTimeout(5_000);
      while (true) {
        DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
        stranger.receive(answer);
        String status =
            new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII)
                .lines()
                .findFirst()
                .orElseThrow();
        if (!status.startsWith("SIP/2.0 1")) {
          return status;
        }
      }
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
