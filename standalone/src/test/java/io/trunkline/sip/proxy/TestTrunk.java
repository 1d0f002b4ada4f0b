package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.standalone.Standalone;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A small-office trunk served in standalone mode on loopback, as the tests' peers see it: the proxy
 * on 127.0.0.1, Anna's and Ben's phones on .2 and .3, the PBX on .5 (admitted by address), carriers
 * A and B on .10 and .11. Calls to +49 go to A, then B; +49900 is blocked. Without the RoutePolicy
 * ({@link #routePolicy}), every call goes to the carriers by their own priority. A test class
 * registers it as an extension, which stops the trunk after each test whatever happened.
 */
final class TestTrunk implements AfterEachCallback {

  static final String PROXY = "127.0.0.1";
  static final String ANNA_PHONE = "127.0.0.2";
  static final String BEN_PHONE = "127.0.0.3";
  static final String PBX = "127.0.0.5";
  static final String CARRIER_A = "127.0.0.10";
  static final String CARRIER_B = "127.0.0.11";
  static final String ANNA = "+4930123401";
  static final String BEN = "+4930123402";
  static final String ANNA_PASSWORD = "anna-secret";
  static final String BEN_PASSWORD = "ben-secret";
  static final String NATIONAL = "+4930555000";

  final int port = LoopbackPorts.freePort(PROXY);

  /** Where carrier A listens: {@link #CARRIER_A}, unless {@link #carrierAOnIpv6()} moved it. */
  String carrierAAddress = CARRIER_A;

  int carrierA = LoopbackPorts.freePort(CARRIER_A);
  final int carrierB = LoopbackPorts.freePort(CARRIER_B);
  int channels = 4;
  int callsPerSecond = 100;
  int probeIntervalSeconds = 3600;

  /** Generous unless a test is about it: a loaded CI machine may take a second to ring. */
  int inviteTimeoutMillis = 5000;

  int downAfter = 2;

  /**
   * Media through an in-process relay on these ports, unless {@link #relays} names others; below
   * the kernel's ephemeral range (32768-60999), so no test's or benchmark's socket can hold them.
   */
  boolean relayMedia;

  int rtpPortMin = 23_000;
  int rtpPortMax = 23_099;

  /** The trunk's spec.media.silenceTimeoutSeconds with relayed media; unset, so the default. */
  Integer silenceTimeoutSeconds;

  List<InetSocketAddress> relays = List.of();

  /** The key the tests start {@link #relays} with, and the proxy signs with. */
  final ControlKey relayControlKey = ControlKey.random();

  String zone;

  /** Carrier A wants the trunk's login (trunk-user / trunk-pass) in answer to its challenge. */
  boolean carrierALogin;

  /** Carrier A over TCP rather than UDP. */
  boolean carrierAOverTcp;

  /** The trunk's spec.sip.digestAlgorithms as YAML, for example {@code [SHA-256, MD5]}; unset. */
  String digestAlgorithms;

  /** Anna's line's own digest algorithms as YAML; unset, so it takes the trunk's. */
  String annaDigestAlgorithms;

  /** The trunk's spec.emergency as YAML, for example {@code {numbers: ["112"], ...}}; unset. */
  String emergency;

  /** The trunk's spec.registration as YAML, for example {@code {perSourceBurst: 3}}; unset. */
  String registration;

  /** The RoutePolicy above; without it the trunk routes by its carriers' priority and weight. */
  boolean routePolicy = true;

  /** Carrier A's and B's spec.carriers[].priority; unset, so the default. */
  Integer carrierAPriority;

  Integer carrierBPriority;

  final int opsPort = LoopbackPorts.freePort(PROXY);
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Standalone edge;

  TestTrunk start(Path folder) throws IOException, InterruptedException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("trunk.yaml"), yaml());
    edge =
        Standalone.start(
            folder,
            Standalone.Options.bind(new InetSocketAddress(PROXY, port))
                .withOps(new InetSocketAddress(PROXY, opsPort))
                .withRelays(zone, relays, relayControlKey),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    return this;
  }

  /** Stops the edge and starts it again from {@code folder}, on the same ports. */
  TestTrunk restart(Path folder) throws IOException, InterruptedException {
    edge.close();
    return start(folder);
  }

  /** Writes the trunk as its fields are now into {@code folder}, which the edge reads anew. */
  void rewrite(Path folder) throws IOException {
    Files.writeString(folder.resolve("trunk.yaml"), yaml());
  }

  /**
   * Starts one more proxy of this trunk on {@code address}, a replica of the pool {@code pool}
   * describes, from the same folder; the caller closes it.
   */
  Standalone startReplica(Path folder, String address, int replicaPort, PoolSettings pool)
      throws IOException, InterruptedException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("trunk.yaml"), yaml());
    return Standalone.start(
        folder,
        Standalone.Options.bind(new InetSocketAddress(address, replicaPort)).inPool(pool),
        new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  SipProxy proxy() {
    return edge.proxy();
  }

  Standalone edge() {
    return edge;
  }

  /** Puts carrier A on IPv6 loopback, written into the trunk as {@code [::1]:port}. */
  void carrierAOnIpv6() {
    carrierAAddress = "::1";
    carrierA = LoopbackPorts.freePort(carrierAAddress);
  }

  /** A sipp run from {@code address} towards the proxy. */
  Sipp towardsProxy(Sipp sipp, String address, SippTransport transport) {
    return sipp.local(address, 0)
        .remote(PROXY, port)
        .transport(transport)
        .timeout(Duration.ofSeconds(30));
  }

  /**
   * Carrier A as sipp, answering calls and the proxy's probes. Its own result is not checked: the
   * OPTIONS probes count as calls in sipp's automatic-answer mode, so its call count says nothing;
   * the caller's result does.
   */
  SippProcess carrierAnswering(Path work) {
    return Sipp.bundled("answer")
        .named("carrier-a")
        .local(carrierAAddress, carrierA)
        .calls(100)
        .option("-aa")
        .timeout(Duration.ofSeconds(30))
        .start(work)
        .awaitListening(Duration.ofSeconds(10));
  }

  /**
   * Registers the phone of line {@code user} at {@code address} through this trunk, asserting it
   * succeeded; returns the port the phone answers calls on.
   */
  int registerPhone(String user, String password, String address, Path work) {
    int phonePort = LoopbackPorts.stablePort(address);
    SippResult registered =
        register(user, password).local(address, phonePort).remote(PROXY, port).start(work).await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();
    return phonePort;
  }

  /** Registers a line's phone, which then answers calls on the same address and port. */
  static Sipp register(String user, String password) {
    return Sipp.bundled("register")
        .named("register-" + user)
        .calls(1)
        .option("-s", user, "-au", user, "-ap", password);
  }

  /** A scenario of the test classpath with {@code @STATUS@} replaced, for refusals by code. */
  static Sipp withStatus(String scenario, int status, Path folder) throws IOException {
    String text;
    try (var in =
        TestTrunk.class.getClassLoader().getResourceAsStream("sipp/" + scenario + ".xml")) {
      text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    Files.createDirectories(folder);
    Path file = folder.resolve(scenario + "-" + status + ".xml");
    Files.writeString(
        file, text.replace("@STATUS@", Integer.toString(status)), StandardCharsets.ISO_8859_1);
    return Sipp.scenario(file);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (edge != null) {
      edge.close();
    }
  }

  private static final String ROUTE_POLICY =
      """
      ---
      apiVersion: trunkline.io/v1alpha1
      kind: RoutePolicy
      metadata: {name: outbound}
      spec:
        trunks: [office]
        rules:
          - name: premium-rate
            match: {prefixes: ["+49900"]}
            reject: {status: 403, reason: Destination blocked}
          - name: germany
            match: {prefixes: ["+49"]}
            route: [{carrier: carrier-a, priority: 1}, {carrier: carrier-b, priority: 2}]
      """;

  private static String priority(Integer priority) {
    return priority == null ? "" : ", priority: " + priority;
  }

  private String yaml() {
    return """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: office}
        spec:
          channels: %d
          callsPerSecond: %d
          pbx: {sources: ["%s/32"]}
          carriers:
            - {name: carrier-a, address: "%s:%d"%s}
            - {name: carrier-b, address: "%s:%d"%s}
          failover:
            inviteTimeoutMillis: %d
            probeIntervalSeconds: %d
            downAfter: %d
            upAfter: 1
          media: %s%s%s%s
        ---
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: anna}
        spec: {trunk: office, number: "%s", username: anna, credentialsSecret: anna-sip%s}
        ---
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: ben}
        spec: {trunk: office, number: "%s", username: ben, credentialsSecret: ben-sip}
        %s---
        apiVersion: v1
        kind: Secret
        metadata: {name: anna-sip}
        stringData: {password: %s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: ben-sip}
        stringData: {password: %s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: carrier-a-login}
        stringData: {username: trunk-user, password: trunk-pass}
        """
        .formatted(
            channels,
            callsPerSecond,
            PBX,
            // RFC 3261 §25.1: an IPv6 literal in brackets, its colons apart from the port's.
            carrierAAddress.contains(":") ? "[" + carrierAAddress + "]" : carrierAAddress,
            carrierA,
            (carrierALogin ? ", credentialsSecret: carrier-a-login" : "")
                + (carrierAOverTcp ? ", transport: TCP" : "")
                + priority(carrierAPriority),
            CARRIER_B,
            carrierB,
            priority(carrierBPriority),
            inviteTimeoutMillis,
            probeIntervalSeconds,
            downAfter,
            relayMedia
                ? "{mode: Relay, portMin: "
                    + rtpPortMin
                    + ", portMax: "
                    + rtpPortMax
                    + (silenceTimeoutSeconds == null
                        ? ""
                        : ", silenceTimeoutSeconds: " + silenceTimeoutSeconds)
                    + "}"
                : "{mode: Bypass}",
            digestAlgorithms == null ? "" : "\n  sip: {digestAlgorithms: " + digestAlgorithms + "}",
            emergency == null ? "" : "\n  emergency: " + emergency,
            registration == null ? "" : "\n  registration: " + registration,
            ANNA,
            annaDigestAlgorithms == null ? "" : ", digestAlgorithms: " + annaDigestAlgorithms,
            BEN,
            routePolicy ? ROUTE_POLICY : "",
            ANNA_PASSWORD,
            BEN_PASSWORD);
  }

  /** The Prometheus text the edge serves on /q/metrics. */
  String metrics() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + PROXY + ":" + opsPort + "/q/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  String log() {
    return log.toString(StandardCharsets.UTF_8);
  }
}
