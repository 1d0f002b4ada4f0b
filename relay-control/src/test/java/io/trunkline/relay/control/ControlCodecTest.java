package io.trunkline.relay.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlCodecTest {

  private final ControlCodec codec = new ControlCodec();

  private static final MediaEndpoint PHONE =
      MediaEndpoint.of(new InetSocketAddress("192.0.2.10", 49170));

  @Test
  void requestsSurviveARoundTrip() {
    List<ControlRequest> requests =
        List.of(
            new ControlRequest.Offer("c1", "a84b4c76e66710@pc33", "1928301774", PHONE),
            new ControlRequest.Offer(
                "c2",
                "call",
                "tag",
                new MediaEndpoint(
                    new InetSocketAddress("2001:db8::1", 5004),
                    new InetSocketAddress("192.0.2.99", 6000))),
            new ControlRequest.Answer("c3", "call", "from", "to", PHONE),
            new ControlRequest.Delete("c4", "call", "from"),
            new ControlRequest.Ping("c5"),
            new ControlRequest.Silent("c6", 30));

    for (ControlRequest request : requests) {
      byte[] bytes = codec.encode(request);
      assertThat(codec.decodeRequest(bytes, 0, bytes.length))
          .isEqualTo(new Decoded.Valid<>(request));
    }
  }

  @Test
  void repliesSurviveARoundTrip() {
    List<ControlReply> replies =
        List.of(
            new ControlReply.Media(
                "c1", MediaEndpoint.of(new InetSocketAddress("198.51.100.7", 30000))),
            new ControlReply.Statistics(
                "c2",
                new SessionReport(
                    new LegReport(200, 34_400, 5, 0.0199), new LegReport(0, 0, 0, 0))),
            new ControlReply.Pong("c3", new RelayHealth("zone-a", "acme", 3, 100, 497)),
            // A relay on a node without topology labels has no zone.
            new ControlReply.Pong("c5", new RelayHealth("", "acme", 0, 100, 500)),
            new ControlReply.Error("c4", ControlError.PORTS_EXHAUSTED, "all 4 pairs in use"),
            new ControlReply.Silent("c6", List.of("a84b4c76e66710@pc33", "call\"2")),
            new ControlReply.Silent("c7", List.of()));

    for (ControlReply reply : replies) {
      byte[] bytes = codec.encode(reply);
      assertThat(codec.decodeReply(bytes, 0, bytes.length)).isEqualTo(new Decoded.Valid<>(reply));
    }
  }

  @Test
  void aSilentReplyKeepsTheFirstCallIdsThatFitInOneDatagram() {
    List<String> callIds = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // Quotes are escaped on the wire: each costs two bytes, which the fitting must count.
      callIds.add("\"%030d\"@pbx.example".formatted(i));
    }

    ControlReply.Silent reply = codec.silentReply("cookie-1", callIds);
    byte[] bytes = codec.encode(reply);

    assertThat(bytes.length).isLessThanOrEqualTo(ControlCodec.DEFAULT_MAX_DATAGRAM_BYTES);
    int kept = reply.callIds().size();
    assertThat(reply.callIds()).isEqualTo(callIds.subList(0, kept));
    // One more would not have fitted.
    assertThat(codec.encode(new ControlReply.Silent("cookie-1", callIds.subList(0, kept + 1))))
        .hasSizeGreaterThan(ControlCodec.DEFAULT_MAX_DATAGRAM_BYTES);
    assertThat(codec.decodeReply(bytes, 0, bytes.length)).isEqualTo(new Decoded.Valid<>(reply));
    assertThat(codec.silentReply("c", callIds.subList(0, 3)).callIds())
        .isEqualTo(callIds.subList(0, 3));
  }

  @Test
  void aSilenceOutsideASecondToADayIsMalformed() {
    for (String seconds : List.of("0", "86401", "1.5", "\"30\"")) {
      byte[] bytes =
          ("{\"cookie\":\"c1\",\"op\":\"silent\",\"seconds\":" + seconds + "}")
              .getBytes(StandardCharsets.UTF_8);
      assertThat(codec.decodeRequest(bytes, 0, bytes.length))
          .as(seconds)
          .isInstanceOf(Decoded.Invalid.class);
    }
  }

  @Test
  void theWireFormatIsTheDocumentedOne() {
    String offer =
        text(codec.encode(new ControlRequest.Offer("c1", "call@host", "from-tag", PHONE)));

    assertThat(offer)
        .isEqualTo(
            "{\"cookie\":\"c1\",\"op\":\"offer\",\"callId\":\"call@host\",\"fromTag\":\"from-tag\","
                + "\"ip\":\"192.0.2.10\",\"port\":49170,\"rtcpPort\":49171}");
    assertThat(
            text(
                codec.encode(
                    new ControlReply.Error("c1", ControlError.UNKNOWN_SESSION, "no session"))))
        .isEqualTo(
            "{\"cookie\":\"c1\",\"result\":\"error\",\"reason\":\"unknown session\","
                + "\"detail\":\"no session\"}");
  }

  @Test
  void rtcpDefaultsToTheNextPortOnTheSameHost() {
    Decoded<ControlRequest> decoded =
        decode(
            "{\"cookie\":\"c\",\"op\":\"answer\",\"callId\":\"x\",\"fromTag\":\"f\","
                + "\"toTag\":\"t\",\"ip\":\"203.0.113.5\",\"port\":4000,\"extra\":true}");

    assertThat(decoded)
        .isEqualTo(
            new Decoded.Valid<>(
                new ControlRequest.Answer(
                    "c",
                    "x",
                    "f",
                    "t",
                    MediaEndpoint.of(new InetSocketAddress("203.0.113.5", 4000)))));
  }

  @Test
  void unreadableDatagramsWithoutACookieAreInvalidWithoutOne() {
    for (String garbage :
        List.of(
            "",
            "not json",
            "[1,2]",
            "{\"op\":\"ping\"}",
            "{\"cookie\":7,\"op\":\"ping\"}",
            "{\"cookie\":\"\",\"op\":\"ping\"}",
            "{\"cookie\":\"c\",\"op\":\"ping\"",
            "{\"cookie\":\"c\",\"op\":\"ping\"} trailing")) {
      assertThat(decode(garbage))
          .as(garbage)
          .isInstanceOfSatisfying(
              Decoded.Invalid.class, invalid -> assertThat(invalid.cookie()).isNull());
    }
    byte[] notUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    assertThat(codec.decodeRequest(notUtf8, 0, notUtf8.length)).isInstanceOf(Decoded.Invalid.class);
  }

  @Test
  void faultsAfterTheCookieNameTheCookieAndTheFault() {
    assertInvalid("{\"cookie\":\"c\",\"op\":\"launch\"}", "unknown op launch");
    assertInvalid("{\"cookie\":\"c\",\"op\":\"offer\",\"fromTag\":\"f\"}", "callId");
    assertInvalid(
        "{\"cookie\":\"c\",\"op\":\"offer\",\"callId\":\"x\",\"fromTag\":\"f\","
            + "\"ip\":\"pbx.example.com\",\"port\":4000}",
        "not an IP address");
    assertInvalid(
        "{\"cookie\":\"c\",\"op\":\"offer\",\"callId\":\"x\",\"fromTag\":\"f\","
            + "\"ip\":\"192.0.2.1\",\"port\":70000}",
        "port must be within 1-65535");
    assertInvalid(
        "{\"cookie\":\"c\",\"op\":\"offer\",\"callId\":\"x\",\"fromTag\":\"f\","
            + "\"ip\":\"192.0.2.1\",\"port\":4000.5}",
        "port");
    assertInvalid(
        "{\"cookie\":\"c\",\"op\":\"delete\",\"callId\":\""
            + "x".repeat(300)
            + "\",\"fromTag\":\"f\"}",
        "callId must have 1 to 256 characters");
    assertInvalid("{\"cookie\":\"c\",\"op\":\"ping\",\"op\":\"delete\"}", "not JSON");
  }

  @Test
  void anOversizedDatagramIsInvalid() {
    byte[] big = new byte[ControlCodec.DEFAULT_MAX_DATAGRAM_BYTES + 1];
    assertThat(codec.decodeRequest(big, 0, big.length))
        .isInstanceOfSatisfying(
            Decoded.Invalid.class,
            invalid -> assertThat(invalid.problem()).contains("exceeds 4096"));
  }

  @Test
  void aReplyWithAnUnknownReasonIsInvalid() {
    byte[] reply =
        "{\"cookie\":\"c\",\"result\":\"error\",\"reason\":\"on fire\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decodeReply(reply, 0, reply.length))
        .isEqualTo(new Decoded.Invalid<>("c", "unknown reason on fire"));
  }

  private void assertInvalid(String datagram, String problem) {
    assertThat(decode(datagram))
        .as(datagram)
        .isInstanceOfSatisfying(
            Decoded.Invalid.class,
            invalid -> {
              assertThat(invalid.problem()).contains(problem);
              if (!problem.equals("not JSON")) {
                assertThat(invalid.cookie()).isEqualTo("c");
              }
            });
  }

  private Decoded<ControlRequest> decode(String datagram) {
    byte[] bytes = datagram.getBytes(StandardCharsets.UTF_8);
    return codec.decodeRequest(bytes, 0, bytes.length);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
