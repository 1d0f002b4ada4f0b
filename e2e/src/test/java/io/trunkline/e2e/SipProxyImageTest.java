package io.trunkline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.rtp.RtpPhone;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The proxy's image with a relay's image beside it, as a trunk's pods run them: the proxy serves a
 * trunk snapshot mounted the way the operator's ConfigMap and Secret are, and carries a call
 * between two phones (sipp on this machine, on the network's gateway) with the media through the
 * relay's container. The phones reach the trunk at a port published on the gateway, as at a node
 * port; the proxy reaches them, and they the relay, at their own addresses.
 */
class SipProxyImageTest {

  private static final String PROXY = ImageNetwork.address(11);
  private static final String RELAY = ImageNetwork.address(10);
  private static final String PHONES = ImageNetwork.GATEWAY;
  private static final int RELAY_CONTROL = 2223;
  private static final String BEN = "+4930123402";

  private static Path work;
  private static Network network;
  private static GenericContainer<?> relay;
  private static GenericContainer<?> proxy;
  private static int trunkPort;

  @BeforeAll
  static void start() throws Exception {
    work = ImageFiles.folder("sip-proxy-image");
    snapshot(work);
    network = ImageNetwork.create();
    relay =
        BuildImages.container("media-relay")
            .withNetwork(network)
            .withCreateContainerCmdModifier(ImageNetwork.at(RELAY))
            .withEnv("TRUNKLINE_RELAY_ADVERTISE", RELAY)
            .withEnv("TRUNKLINE_RELAY_TRUNK", "office")
            .withEnv("TRUNKLINE_RELAY_CONTROL_KEY", ImageNetwork.RELAY_CONTROL_KEY)
            .withExposedPorts(8080)
            .waitingFor(
                Wait.forHttp("/q/health/live")
                    .forPort(8080)
                    .withStartupTimeout(Duration.ofSeconds(60)));
    relay.start();
    // The relay's start made the bridge, and with it the gateway's address.
    trunkPort = LoopbackPorts.freePort(PHONES);
    proxy =
        BuildImages.container("sip-proxy")
            .withNetwork(network)
            .withCreateContainerCmdModifier(ImageNetwork.at(PROXY))
            .withCreateContainerCmdModifier(ImageNetwork.publishedUdp(5060, trunkPort))
            .withCreateContainerCmdModifier(
                ImageFiles.mounted(work.resolve("config"), "/etc/trunkline/config"))
            .withCreateContainerCmdModifier(
                ImageFiles.mounted(work.resolve("credentials"), "/etc/trunkline/credentials"))
            .withEnv("TRUNKLINE_CONFIG", "/etc/trunkline/config/trunk.json")
            .withEnv("TRUNKLINE_CREDENTIALS", "/etc/trunkline/credentials/credentials.json")
            .withEnv("POD_IP", PROXY)
            .withEnv("TRUNKLINE_RELAYS", RELAY + ":" + RELAY_CONTROL)
            .withEnv("TRUNKLINE_RELAY_CONTROL_KEY", ImageNetwork.RELAY_CONTROL_KEY)
            .withExposedPorts(8080)
            .waitingFor(
                Wait.forHttp("/q/health/ready")
                    .forPort(8080)
                    .withStartupTimeout(Duration.ofSeconds(60)));
    proxy.start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      for (GenericContainer<?> container : new GenericContainer<?>[] {proxy, relay}) {
        if (container != null) {
          container.stop();
        }
      }
      if (network != null) {
        network.close();
      }
    } finally {
      ImageFiles.delete(work);
    }
  }

  @Test
  void servesTheMountedSnapshotAsItsNonRootUserOnAReadOnlyRoot() throws Exception {
    HttpResponse<String> ready = get(proxy, "/q/health/ready");

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(get(proxy, "/q/metrics").body())
        .contains("trunkline_channels{trunk=\"office\"} 5.0");
    assertThat(proxy.getContainerInfo().getConfig().getUser()).isEqualTo("65532:65532");
    assertThat(proxy.getContainerInfo().getHostConfig().getReadonlyRootfs()).isTrue();
  }

  @Test
  void itsFilesBelongToRootAndOnlyTmpIsWorldWritable() {
    assertThat(ImageTarball.unsafeFiles("sip-proxy")).isEmpty();
  }

  @Test
  void carriesNoRelayEngine() {
    // The proxy speaks to relays through relay-control only (decision 0012).
    assertThat(ImageTarball.entries("sip-proxy"))
        .extracting(ImageTarball.Entry::path)
        .contains("app/libs/")
        .anyMatch(path -> path.startsWith("app/libs/trunkline-relay-control-"))
        .noneMatch(path -> path.startsWith("app/libs/trunkline-media-relay-"));
  }

  @Test
  void carriesACallBetweenTwoPhonesWithTheMediaThroughTheRelayContainer() throws Exception {
    int benPort = LoopbackPorts.stablePort(PHONES);
    SippResult registered =
        Sipp.bundled("register")
            .named("register-ben")
            .local(PHONES, benPort)
            .remote(PHONES, trunkPort)
            .calls(1)
            .option("-s", "ben", "-au", "ben", "-ap", "change-me-ben")
            .timeout(Duration.ofSeconds(30))
            .start(work)
            .await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();

    try (RtpPhone benMedia = new RtpPhone(PHONES, 0x2222);
        SippProcess ben =
            Sipp.bundled("answer-media")
                .named("ben")
                .local(PHONES, benPort)
                .calls(1)
                .variable("rtp_port", Integer.toString(benMedia.port()))
                .timeout(Duration.ofSeconds(60))
                .start(work)
                .awaitListening(Duration.ofSeconds(10));
        SippProcess anna =
            Sipp.bundled("call-auth")
                .named("anna")
                .local(PHONES, LoopbackPorts.freePort(PHONES))
                .remote(PHONES, trunkPort)
                .calls(1)
                .variable("dest", BEN)
                .option(
                    "-s",
                    "anna",
                    "-au",
                    "anna",
                    "-ap",
                    "change-me-anna",
                    "-d",
                    "4000",
                    "-mp",
                    Integer.toString(LoopbackPorts.freePort(PHONES)),
                    "-rtp_echo")
                .timeout(Duration.ofSeconds(60))
                .start(work)) {
      InetSocketAddress relayForBen = OfficePhones.audioAfter(ben.messageLog(), "INVITE sip:");
      assertThat(relayForBen.getHostString()).isEqualTo(RELAY);

      // Anna's sipp echoes what reaches it: Ben's packets go through the relay's container to
      // Anna and back through it to Ben.
      int sent = benMedia.send(relayForBen, 100, Set.of());
      assertThat(benMedia.receive(sent, Duration.ofSeconds(10))).isEqualTo(100);

      SippResult call = anna.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      SippResult answered = ben.await();
      assertThat(answered.allCallsSucceeded()).as(answered.toString()).isTrue();
    }
  }

  /** The trunk the operator would compile for two lines, with media through relays. */
  private static void snapshot(Path work) throws Exception {
    SipTrunk trunk =
        Serialization.unmarshal(
            """
            metadata: {name: office, namespace: office}
            spec:
              channels: 5
              sip: {port: 5060}
              media: {mode: Relay}
              carriers: [{name: itsp, address: 192.0.2.10}]
            """,
            SipTrunk.class);
    List<SipLine> lines = List.of(line("anna", "+4930123401"), line("ben", BEN));
    Compilation compilation =
        TrunkCompiler.compile(
            trunk,
            lines,
            List.of(),
            (secret, key) ->
                Optional.of(
                    key.equals("password") ? "change-me-" + secret.replace("-sip", "") : "itsp"));
    assertThat(compilation.config()).as(compilation.problems().toString()).isNotNull();
    ImageFiles.write(
        work.resolve("config/trunk.json"), TrunkConfigJson.write(compilation.config()));
    ImageFiles.write(
        work.resolve("credentials/credentials.json"),
        TrunkConfigJson.write(compilation.credentials()));
  }

  private static SipLine line(String name, String number) {
    return Serialization.unmarshal(
        """
        metadata: {name: %s, namespace: office}
        spec: {trunk: office, number: "%s", username: %s, credentialsSecret: %s-sip}
        """
            .formatted(name, number, name, name),
        SipLine.class);
  }

  private static HttpResponse<String> get(GenericContainer<?> container, String path)
      throws Exception {
    URI uri =
        URI.create("http://" + container.getHost() + ":" + container.getMappedPort(8080) + path);
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
