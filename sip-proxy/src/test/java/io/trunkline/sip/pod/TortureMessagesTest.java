package io.trunkline.sip.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.sip.transport.TransportStats;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 4475's torture messages, byte for byte as the RFC publishes them (test resources {@code
 * rfc4475/*.dat}), sent to a proxy pod from the PBX's address over a real UDP socket, and over TCP
 * where the case is about a stream's framing. Each gets the answer the RFC asks of a proxy, or a
 * counted drop where the RFC lets an element drop it; valid messages are processed as any other (a
 * 404 from routing for a user this trunk does not serve, 200 for OPTIONS the proxy answers itself).
 * Then sipp's OPTIONS probes show the proxy still serving. docs/rfc4475.md lists them.
 */
class TortureMessagesTest {

  private static final String PROXY = "127.0.0.1";

  /** The PBX's address: the trunk admits calls from it, so INVITEs get as far as routing. */
  private static final String PBX = "127.0.0.5";

  private static final Pattern CALL_ID =
      Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

  @TempDir static Path work;

  /** What the proxy must do with a message: answer with a status, or drop it, counted. */
  record Answer(int status, String dropped) {
    static Answer status(int status) {
      return new Answer(status, null);
    }

    /** Refused as malformed, unanswered: no To, From or Call-ID to answer with, or a response. */
    static final Answer MALFORMED = new Answer(0, "dropped as malformed");

    /** Read, and dropped as a response of no transaction here (RFC 3261 §18.1.2). */
    static final Answer STRAY = new Answer(0, "dropped as a stray response");

    @Override
    public String toString() {
      return dropped != null ? dropped : Integer.toString(status);
    }
  }

  static Stream<Object[]> overUdp() {
    return Stream.of(
        // §3.1.1 Valid Messages: processed as any other request or response.
        row("3.1.1.1", "wsinv", 481), // A Short Tortuous INVITE: its To tag names no dialog here
        row(
            "3.1.1.2", "intmeth",
            405), // Wide Range of Valid Characters: a method it does not serve
        row("3.1.1.3", "esc01", 404), // Valid Use of the % Escaping Mechanism
        row("3.1.1.4", "escnull", 404), // Escaped Nulls in URIs: REGISTER of no line of the trunk
        row("3.1.1.5", "esc02", 405), // Use of % When It Is Not an Escape: RE%47IST%45R
        row("3.1.1.6", "lwsdisp", 200), // Message with No LWS between Display Name and <
        row("3.1.1.7", "longreq", 404), // Long Values in Header Fields
        row("3.1.1.8", "dblreq", 404), // Extra Trailing Octets in a UDP Datagram: the REGISTER
        row("3.1.1.9", "semiuri", 200), // Semicolon-Separated Parameters in URI User Part
        row("3.1.1.10", "transports", 200), // Varied and Unknown Transport Types
        row("3.1.1.11", "mpart01", 405), // Multipart MIME Message: MESSAGE is not served
        row(
            "3.1.1.12",
            "unreason",
            Answer.STRAY), // Unusual Reason Phrase: a stray response, dropped
        row("3.1.1.13", "noreason", Answer.STRAY), // Empty Reason Phrase: a stray response, dropped
        // §3.1.2 Invalid Messages.
        row("3.1.2.1", "badinv01", 400), // Extraneous Header Field Separators
        row("3.1.2.2", "clerr", 400), // Content Length Larger Than Message
        row("3.1.2.3", "ncl", 400), // Negative Content-Length
        row("3.1.2.4", "scalar02", 400), // Request Scalar Fields with Overlarge Values
        row(
            "3.1.2.5",
            "scalarlg",
            Answer.MALFORMED), // Response Scalar Fields with Overlarge Values
        row("3.1.2.6", "quotbal", 400), // Unterminated Quoted String in Display Name
        row("3.1.2.7", "ltgtruri", 400), // <> Enclosing Request-URI
        row("3.1.2.8", "lwsruri", 400), // Malformed SIP Request-URI (embedded LWS)
        row("3.1.2.9", "lwsstart", 400), // Multiple SP Separating Request-Line Elements
        row("3.1.2.10", "trws", 400), // SP Characters at End of Request-Line
        row("3.1.2.11", "escruri", 400), // Escaped Headers in SIP Request-URI
        row("3.1.2.12", "baddate", 400), // Invalid Time Zone in Date Header Field
        row("3.1.2.13", "regbadct", 400), // Failure to Enclose name-addr URI in <>
        row("3.1.2.14", "badaspec", 400), // Spaces within addr-spec
        row("3.1.2.15", "baddn", 400), // Non-token Characters in Display Name
        row("3.1.2.16", "badvers", 505), // Unknown Protocol Version
        row("3.1.2.17", "mismatch01", 400), // Start Line and CSeq Method Mismatch
        row("3.1.2.18", "mismatch02", 400), // Unknown Method with CSeq Method Mismatch
        row("3.1.2.19", "bigcode", Answer.MALFORMED), // Overlarge Response Code
        // §3.2 Transaction Layer Semantics.
        row("3.2.1", "badbranch", 400), // Missing Transaction Identifier
        // §3.3 Application-Layer Semantics.
        row(
            "3.3.1",
            "insuf",
            Answer.MALFORMED), // Missing Required Header Fields: no To, From, Call-ID to answer
        row("3.3.2", "unkscm", 416), // Request-URI with Unknown Scheme
        row("3.3.3", "novelsc", 416), // Request-URI with Known but Atypical Scheme
        row("3.3.4", "unksm2", 400), // Unknown URI Schemes in Header Fields: a REGISTER's To
        row("3.3.5", "bext01", 420), // Proxy-Require and Require
        row("3.3.6", "invut", 404), // Unknown Content-Type: a proxy routes it as any INVITE
        row("3.3.7", "regaut01", 404), // Unknown Authorization Scheme: REGISTER of no line
        row("3.3.8", "multi01", 400), // Multiple Values in Single Value Required Fields
        row("3.3.9", "mcl01", 400), // Multiple Content-Length Values
        row(
            "3.3.10",
            "bcast",
            Answer.STRAY), // 200 OK Response with Broadcast Via Header Field Value
        row("3.3.11", "zeromf", 200), // Max-Forwards of Zero: OPTIONS, answered by the proxy
        row("3.3.12", "cparam01", 404), // REGISTER with a Contact Header Parameter
        row("3.3.13", "cparam02", 404), // REGISTER with a url-parameter
        row("3.3.14", "regescrt", 404), // REGISTER with a URL Escaped Header
        row("3.3.15", "sdp01", 404), // Unacceptable Accept Offering: a proxy routes it
        // §3.4 Backward Compatibility.
        row("3.4.1", "inv2543", 404)); // INVITE with RFC 2543 Syntax
  }

  private static Object[] row(String section, String file, int status) {
    return row(section, file, Answer.status(status));
  }

  private static Object[] row(String section, String file, Answer answer) {
    return new Object[] {section, file, answer};
  }

  /**
   * A proxy pod of its own for each message: many of RFC 4475's messages share a Via branch and
   * sent-by, which would make later ones retransmissions of earlier ones' transactions (RFC 3261
   * §17.2.3) in one proxy.
   */
  private static ProxyPod startPod(int sipPort) throws Exception {
    SipTrunk trunk =
        Serialization.unmarshal(
            """
            metadata: {name: acme, namespace: office}
            spec:
              channels: 5
              sip: {port: %d, transports: [UDP, TCP]}
              media: {mode: Bypass}
              pbx: {sources: ["%s/32"]}
              carriers: [{name: a, address: 127.0.0.10}]
            """
                .formatted(sipPort, PBX),
            SipTrunk.class);
    RoutePolicy policy =
        Serialization.unmarshal(
            """
            metadata: {name: out, namespace: office}
            spec:
              trunks: [acme]
              rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: a}]}]
            """,
            RoutePolicy.class);
    Compilation compilation =
        TrunkCompiler.compile(trunk, List.of(), List.of(policy), (s, k) -> Optional.of("pw"));
    Path dir = Files.createTempDirectory(work, "pod");
    Path config = dir.resolve("trunk.json");
    Path credentials = dir.resolve("credentials.json");
    Files.writeString(config, TrunkConfigJson.write(compilation.config()));
    Files.writeString(credentials, TrunkConfigJson.write(compilation.credentials()));
    return ProxyPod.start(
        Map.of(
            "TRUNKLINE_CONFIG",
            config.toString(),
            "TRUNKLINE_CREDENTIALS",
            credentials.toString(),
            "TRUNKLINE_ADVERTISED_ADDRESS",
            PROXY,
            "TRUNKLINE_BIND",
            PROXY,
            "TRUNKLINE_OPS",
            PROXY + ":" + LoopbackPorts.freePort(PROXY)));
  }

  @ParameterizedTest(name = "§{0} {1}: {2}")
  @MethodSource("overUdp")
  void getsTheAnswerRfc4475AsksOverUdp(String section, String file, Answer answer)
      throws Exception {
    byte[] message = message(file);
    int sipPort = LoopbackPorts.freePort(PROXY);
    try (ProxyPod pod = startPod(sipPort);
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PBX, 0))) {
      TransportStats stats = pod.server().stats();
      socket.send(
          new DatagramPacket(message, message.length, new InetSocketAddress(PROXY, sipPort)));
      if (answer == Answer.MALFORMED) {
        await().atMost(Duration.ofSeconds(10)).until(() -> stats.malformedCount() == 1);
        assertThat(stats.badRequestsSentCount()).isZero();
        assertThat(stats.receivedCount()).isZero();
      } else if (answer == Answer.STRAY) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> pod.proxy().metrics().strayResponseCount() == 1);
        assertThat(stats.malformedCount()).isZero();
      } else {
        String response = finalAnswer(socket, callId(message));
        assertThat(response).as(response).startsWith("SIP/2.0 " + answer.status() + " ");
        if (answer.status() == 420) {
          // §20.40: the 420 names what the proxy does not support, from Proxy-Require (§16.3).
          assertThat(response)
              .contains("noProxiesSupportThis")
              .contains("norDoAnyProxiesSupportThis")
              .doesNotContain("nothingSupportsThis");
        }
      }
    }
  }

  /**
   * RFC 4475 §3.3.10 as it would hurt: bcast's 200 with this proxy's Via on top, so that the next
   * Via, 255.255.255.255, is where a stateless proxy would send it. It is dropped, counted; the
   * same response with the caller's address there goes on to the caller.
   */
  @Test
  void neverForwardsAResponseToABroadcastAddress() throws Exception {
    int sipPort = LoopbackPorts.freePort(PROXY);
    String bcast = new String(message("bcast"), StandardCharsets.ISO_8859_1);
    String ours = "Via: SIP/2.0/UDP " + PROXY + ":" + sipPort + ";branch=z9hG4bK1324923";
    try (ProxyPod pod = startPod(sipPort);
        DatagramSocket caller = new DatagramSocket(new InetSocketAddress(PBX, 0))) {
      String toBroadcast =
          bcast.replace("Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923", ours);
      String toCaller =
          toBroadcast.replace(
              "Via: SIP/2.0/UDP 255.255.255.255;",
              "Via: SIP/2.0/UDP " + PBX + ":" + caller.getLocalPort() + ";");
      InetSocketAddress proxy = new InetSocketAddress(PROXY, sipPort);
      assertThat(toCaller).isNotEqualTo(toBroadcast).isNotEqualTo(bcast);

      send(caller, toBroadcast, proxy);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> pod.proxy().metrics().strayResponseCount() == 1);
      send(caller, toCaller, proxy);

      String forwarded = finalAnswer(caller, callId(message("bcast")));
      assertThat(forwarded).startsWith("SIP/2.0 200 OK").doesNotContain(ours);
      assertThat(pod.proxy().metrics().strayResponseCount()).isEqualTo(1);
    }
  }

  private static void send(DatagramSocket socket, String text, InetSocketAddress to)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  /** Framing errors on a stream cannot be resynchronised: the connection is closed, counted. */
  @ParameterizedTest(name = "§{0} {1} over TCP: connection closed")
  @MethodSource("framingOverTcp")
  void closesTheStreamOnAFramingError(String section, String file) throws Exception {
    int sipPort = LoopbackPorts.freePort(PROXY);
    try (ProxyPod pod = startPod(sipPort);
        Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(PBX, 0));
      socket.connect(new InetSocketAddress(PROXY, sipPort));
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(message(file));
      assertThat(socket.getInputStream().readAllBytes()).as("closed without an answer").isEmpty();
      assertThat(pod.server().stats().malformedCount()).isEqualTo(1);
    }
  }

  static Stream<Object[]> framingOverTcp() {
    return Stream.of(
        new Object[] {"3.1.2.3", "ncl"}, // Negative Content-Length
        new Object[] {"3.3.9", "mcl01"}); // Multiple Content-Length Values
  }

  /** All of them at one proxy, over UDP and TCP; then sipp's OPTIONS probes are still answered. */
  @Test
  void keepsServingAfterTheTortureMessages() throws Exception {
    int sipPort = LoopbackPorts.freePort(PROXY);
    try (ProxyPod pod = startPod(sipPort);
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(PBX, 0))) {
      List<String> files = overUdp().map(row -> (String) row[1]).toList();
      for (String file : files) {
        byte[] message = message(file);
        socket.send(
            new DatagramPacket(message, message.length, new InetSocketAddress(PROXY, sipPort)));
        try (Socket stream = new Socket()) {
          stream.bind(new InetSocketAddress(PBX, 0));
          stream.connect(new InetSocketAddress(PROXY, sipPort));
          stream.getOutputStream().write(message);
        }
      }
      TransportStats stats = pod.server().stats();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> stats.malformedCount() + stats.receivedCount() >= files.size());

      for (SippTransport transport : List.of(SippTransport.UDP, SippTransport.TCP)) {
        SippResult probes =
            Sipp.bundled("options")
                .named("options-after-torture-" + transport)
                .local(PBX, 0)
                .remote(PROXY, sipPort)
                .transport(transport)
                .calls(5)
                .timeout(Duration.ofSeconds(30))
                .start(work)
                .await();

        assertThat(probes.allCallsSucceeded()).as(probes.toString()).isTrue();
        assertThat(probes.statistics().successfulCalls()).isEqualTo(5);
      }
    }
  }

  private static byte[] message(String file) throws IOException {
    try (InputStream in =
        TortureMessagesTest.class.getResourceAsStream("/rfc4475/" + file + ".dat")) {
      assertThat(in).as(file).isNotNull();
      return in.readAllBytes();
    }
  }

  private static String callId(byte[] message) {
    Matcher id = CALL_ID.matcher(new String(message, StandardCharsets.ISO_8859_1));
    assertThat(id.find()).as("the message names its Call-ID").isTrue();
    return id.group(1);
  }

  /** The first final response for {@code callId}, past provisional ones. */
  private static String finalAnswer(DatagramSocket socket, String callId) throws IOException {
    while (true) {
      String response = nextAnswer(socket, 10_000);
      assertThat(response).as("an answer for " + callId).isNotNull();
      Matcher id = CALL_ID.matcher(response);
      if (id.find() && id.group(1).equals(callId) && !response.startsWith("SIP/2.0 1")) {
        return response;
      }
    }
  }

  private static String nextAnswer(DatagramSocket socket, int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
    try {
      socket.receive(packet);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
  }
}
