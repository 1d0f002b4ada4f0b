package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile SIP from the PBX's address (so that nothing is refused for its source): each
 * gets the answer RFC 3261 asks for, a 400 when the request can be addressed, or is dropped and
 * counted; afterwards the proxy still carries a normal call.
 */
class HostileInputSippTest {

  private static final String DROP = "drop";

  /** How long the proxy's silence must last to count as a drop. */
  private static final Duration DROP_SILENCE = Duration.ofMillis(700);

  /** How long an answer may take on a slow machine. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

  private static final Pattern CALL_ID = Pattern.compile("(?m)^(?:Call-ID|i):[ \\t]*(\\S+)");

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @BeforeEach
  void start() throws Exception {
    trunk.start(work.resolve("trunk"));
  }

  @Test
  void answersOrDropsEveryHostileMessageAndKeepsServing() throws Exception {
    Map<String, Case> cases = cases();
    List<String> wrong = new ArrayList<>();
    // Answers are told apart by Call-ID: an INVITE's error response comes again every T1 and
    // more until it is acknowledged (RFC 3261 §17.2.1), and a slow answer must not be taken for
    // the next case's.
    Set<String> answerable =
        cases.values().stream()
            .map(Case::callId)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    try (DatagramSocket pbx = new DatagramSocket(new InetSocketAddress(PBX, 0))) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        String answer = answer(pbx, entry.getValue(), answerable);
        if (!answer.equals(entry.getValue().expected())) {
          wrong.add(
              entry.getKey() + ": expected " + entry.getValue().expected() + ", got " + answer);
        }
      }
    }

    assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
    assertThat(wrong).isEmpty();
    long drops = cases.values().stream().filter(c -> c.expected().equals(DROP)).count();
    long badRequests = cases.values().stream().filter(c -> c.expected().matches("400|505")).count();
    assertThat(trunk.edge().server().stats().malformedCount())
        .isGreaterThanOrEqualTo(drops + badRequests - 1);
    assertThat(trunk.edge().server().stats().badRequestsSentCount()).isEqualTo(badRequests);

    try (SippProcess carrier =
        Sipp.bundled("answer")
            .named("carrier")
            .local(TestTrunk.CARRIER_A, trunk.carrierA)
            .calls(100)
            .option("-aa")
            .start(work)
            .awaitListening(Duration.ofSeconds(10))) {
      SippResult call =
          trunk
              .towardsProxy(Sipp.bundled("call"), PBX, SippTransport.UDP)
              .calls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx", "-d", "100")
              .start(work)
              .await();
      assertThat(call.allCallsSucceeded()).as("still serving: " + call).isTrue();
    }
  }

  /** A message, the status of its answer or {@link #DROP}, and the Call-ID it is answered by. */
  private record Case(byte[] bytes, String expected, String callId) {}

  /**
   * Sends the case and returns the status code of its final answer, "100" when only a 100 came, or
   * {@link #DROP} when nothing did. An answer another case's Call-ID names is not this case's.
   */
  private String answer(DatagramSocket socket, Case sent, Set<String> answerable) throws Exception {
    socket.send(
        new DatagramPacket(
            sent.bytes(), sent.bytes().length, new InetSocketAddress(TestTrunk.PROXY, trunk.port)));
    // A drop is proven by silence; an answer ends the wait as soon as it comes.
    long deadline =
        System.nanoTime() + (sent.callId() == null ? DROP_SILENCE : ANSWER_WITHIN).toNanos();
    String provisional = null;
    while (true) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
      if (left <= 0) {
        return provisional != null ? provisional : DROP;
      }
      socket.setSoTimeout((int) left);
      DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException e) {
        return provisional != null ? provisional : DROP;
      }
      String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1);
      String callId = callIdOf(text);
      if (callId != null && !callId.equals(sent.callId()) && answerable.contains(callId)) {
        continue;
      }
      String status = text.length() >= 11 ? text.substring(8, 11) : text;
      if (!status.startsWith("1")) {
        return status;
      }
      provisional = status;
    }
  }

  private static String callIdOf(String message) {
    Matcher callId = CALL_ID.matcher(message);
    return callId.find() ? callId.group(1) : null;
  }

  private Map<String, Case> cases() {
    Map<String, Case> cases = new LinkedHashMap<>();
    String ok = options("z9hG4bK-base", "base");
    drop(cases, "binary garbage", new byte[] {0, (byte) 0xff, 0x13, 0x37, 0x7f, (byte) 0x80});
    drop(cases, "random text", "hello there, this is not SIP".getBytes(StandardCharsets.US_ASCII));
    drop(
        cases,
        "only a start line",
        "OPTIONS sip:x SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    expect(cases, "400", "no SIP version", ok.replace(" SIP/2.0\r\n", "\r\n"), "nv");
    drop(cases, "HTTP request", text("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"));
    expect(cases, "505", "another SIP version", ok.replace(" SIP/2.0\r\n", " SIP/3.0\r\n"), "v3");
    drop(
        cases,
        "response without a transaction",
        text(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.5;branch=z9hG4bKnone\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: none\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    drop(cases, "response with a garbage status", text("SIP/2.0 abc OK\r\n\r\n"));
    expect(
        cases,
        "400",
        "NUL bytes in headers",
        ok.replace("Max-Forwards: 70", "Max-Forwards: \0\0\0"),
        "nul");
    drop(cases, "oversize datagram", new byte[65_000]);
    // Without these a response cannot be matched to the request (RFC 3261 §8.2.6.2): dropped.
    drop(cases, "missing Call-ID", text(ok.replaceAll("Call-ID: [^\r]*\r\n", "")));
    drop(cases, "missing CSeq", text(ok.replaceAll("CSeq: [^\r]*\r\n", "")));
    drop(cases, "missing From", text(ok.replaceAll("From: [^\r]*\r\n", "")));
    drop(cases, "missing To", text(ok.replaceAll("To: [^\r]*\r\n", "")));
    drop(cases, "missing Via", text(ok.replaceAll("Via: [^\r]*\r\n", "")));
    expect(
        cases,
        "400",
        "CSeq not a number",
        ok.replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS"),
        "cq");
    expect(
        cases, "400", "CSeq method differs", ok.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE"), "cm");
    expect(
        cases,
        "400",
        "negative Content-Length",
        ok.replace("Content-Length: 0", "Content-Length: -5"),
        "cl");
    expect(
        cases,
        "400",
        "Content-Length not a number",
        ok.replace("Content-Length: 0", "Content-Length: lots"),
        "cn");
    expect(
        cases,
        "400",
        "Max-Forwards not a number",
        ok.replace("Max-Forwards: 70", "Max-Forwards: many"),
        "mx");
    expect(
        cases,
        "400",
        "From without a URI",
        ok.replace("From: <sip:pbx@127.0.0.5>", "From: nobody"),
        "fu");
    expect(
        cases,
        "400",
        "header without a colon",
        ok.replace("Max-Forwards: 70", "Max-Forwards 70"),
        "nc");
    expect(
        cases,
        "400",
        "Request-URI of spaces",
        ok.replace("OPTIONS sip:" + TestTrunk.PROXY + ":@PORT@", "OPTIONS  "),
        "ru");
    expect(
        cases,
        "400",
        "Via without a transport",
        ok.replace("SIP/2.0/UDP 127.0.0.5", "SIP/2.0 127.0.0.5"),
        "vt");
    expect(
        cases,
        "400",
        "too many headers",
        ok.replace("Max-Forwards: 70\r\n", "X-Flood: 1\r\n".repeat(200) + "Max-Forwards: 70\r\n"),
        "tm");
    expect(
        cases,
        "400",
        "header injection in a value",
        ok.replace("Max-Forwards: 70", "Max-Forwards: 70\rInjected: yes"),
        "hi");
    expect(
        cases,
        "483",
        "Max-Forwards exhausted",
        invite().replace("Max-Forwards: 70", "Max-Forwards: 0"),
        "m0");
    expect(
        cases, "405", "a method this proxy does not take", ok.replace("OPTIONS", "PUBLISH"), "pu");
    expect(cases, "481", "CANCEL of nothing", ok.replace("OPTIONS", "CANCEL"), "cx");
    expect(
        cases,
        "481",
        "BYE of an unknown dialog",
        ok.replace("OPTIONS", "BYE")
            .replace(
                "To: <sip:" + TestTrunk.PROXY + ">", "To: <sip:" + TestTrunk.PROXY + ">;tag=gone"),
        "by");
    expect(
        cases,
        "404",
        "INVITE to no number",
        invite().replace("sip:" + NATIONAL, "sip:nobody"),
        "nn");
    expect(
        cases,
        "407",
        "INVITE from a line's name but no credentials",
        invite().replace("<sip:pbx@", "<sip:anna@"),
        "fl");
    return cases;
  }

  private static void drop(Map<String, Case> cases, String name, byte[] bytes) {
    cases.put(name, new Case(bytes, DROP, null));
  }

  /** A request made unique by {@code id}, so that no case is taken for another's retransmission. */
  private void expect(
      Map<String, Case> cases, String status, String name, String message, String id) {
    String unique = message.replace("@ID@", id);
    cases.put(name, new Case(text(unique), status, callIdOf(unique)));
  }

  private static String options(String branch, String callId) {
    return "OPTIONS sip:"
        + TestTrunk.PROXY
        + ":@PORT@ SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.5:5060;branch="
        + branch
        + "@ID@\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:pbx@127.0.0.5>;tag=hostile\r\n"
        + "To: <sip:"
        + TestTrunk.PROXY
        + ">\r\n"
        + "Call-ID: "
        + callId
        + "@ID@\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  private static String invite() {
    return options("z9hG4bK-invite", "invite")
        .replace("OPTIONS sip:" + TestTrunk.PROXY, "INVITE sip:" + NATIONAL + "@" + TestTrunk.PROXY)
        .replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
  }

  private byte[] text(String message) {
    return message
        .replace("@PORT@", Integer.toString(trunk.port))
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
