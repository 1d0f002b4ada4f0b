package io.trunkline.relay.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes control datagrams: one JSON object per UDP datagram, UTF-8, as
 * docs/decisions/0009-relay-control-protocol.md describes. Stateless and thread-safe.
 *
 * <p>Addresses are IP literals only, never resolved: a name in a control datagram must not make the
 * relay wait on DNS.
 */
public final class ControlCodec {

  /** Largest datagram read by default: a request with a long Call-ID fits in a tenth of it. */
  public static final int DEFAULT_MAX_DATAGRAM_BYTES = 4096;

  /** Longest cookie, Call-ID or tag accepted: longer ones are a broken or hostile client. */
  public static final int MAX_TEXT_LENGTH = 256;

  /** Longest silence asked about: a day, far beyond any relay's idle timeout. */
  public static final int MAX_SILENCE_SECONDS = 86_400;

  /**
   * Strict reading: trailing bytes after the object or a repeated key make a datagram malformed.
   */
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final int maxDatagramBytes;

  public ControlCodec() {
    this(DEFAULT_MAX_DATAGRAM_BYTES);
  }

  public ControlCodec(int maxDatagramBytes) {
    this.maxDatagramBytes = maxDatagramBytes;
  }

  public int maxDatagramBytes() {
    return maxDatagramBytes;
  }

  public byte[] encode(ControlRequest request) {
    ObjectNode json = JSON.createObjectNode();
    json.put("cookie", request.cookie());
    json.put("op", request.op().wireName());
    if (request instanceof ControlRequest.Offer offer) {
      json.put("callId", offer.callId());
      json.put("fromTag", offer.fromTag());
      putMedia(json, offer.media());
    } else if (request instanceof ControlRequest.Answer answer) {
      json.put("callId", answer.callId());
      json.put("fromTag", answer.fromTag());
      json.put("toTag", answer.toTag());
      putMedia(json, answer.media());
    } else if (request instanceof ControlRequest.Delete delete) {
      json.put("callId", delete.callId());
      json.put("fromTag", delete.fromTag());
    } else if (request instanceof ControlRequest.Silent silent) {
      json.put("seconds", silent.seconds());
    }
    return bytes(json);
  }

  public byte[] encode(ControlReply reply) {
    ObjectNode json = JSON.createObjectNode();
    json.put("cookie", reply.cookie());
    if (reply instanceof ControlReply.Media media) {
      json.put("result", "ok");
      putMedia(json, media.relay());
    } else if (reply instanceof ControlReply.Statistics statistics) {
      json.put("result", "ok");
      for (Direction side : Direction.values()) {
        LegReport leg = statistics.report().leg(side);
        ObjectNode legJson = json.putObject(side.wireName());
        legJson.put("packets", leg.packets());
        legJson.put("bytes", leg.bytes());
        legJson.put("lost", leg.lost());
        legJson.put("jitter", leg.jitterSeconds());
      }
    } else if (reply instanceof ControlReply.Pong pong) {
      json.put("result", "ok");
      json.put("zone", pong.health().zone());
      json.put("trunk", pong.health().trunk());
      json.put("sessions", pong.health().sessions());
      json.put("maxSessions", pong.health().maxSessions());
      json.put("portPairsFree", pong.health().portPairsFree());
    } else if (reply instanceof ControlReply.Silent silent) {
      json.put("result", "ok");
      ArrayNode callIds = json.putArray("silent");
      silent.callIds().forEach(callIds::add);
    } else if (reply instanceof ControlReply.Error error) {
      json.put("result", "error");
      json.put("reason", error.error().reason());
      json.put("detail", error.detail());
    }
    return bytes(json);
  }

  /**
   * The reply to a silent with as many of {@code callIds}, in their order, as one datagram holds:
   * the relay puts the most recently silent first, so calls that just went quiet are never crowded
   * out by held calls that have been quiet for long.
   */
  public ControlReply.Silent silentReply(String cookie, List<String> callIds) {
    int room = maxDatagramBytes - encode(new ControlReply.Silent(cookie, List.of())).length;
    int fitting = 0;
    for (String callId : callIds) {
      // The quoted, escaped text and the comma before it (one more than the first needs).
      room -= bytes(JSON.getNodeFactory().textNode(callId)).length + 1;
      if (room < 0) {
        break;
      }
      fitting++;
    }
    return new ControlReply.Silent(cookie, callIds.subList(0, fitting));
  }

  public Decoded<ControlRequest> decodeRequest(byte[] datagram, int offset, int length) {
    JsonNode json;
    try {
      json = parse(datagram, offset, length);
    } catch (Problem problem) {
      return new Decoded.Invalid<>(null, problem.getMessage());
    }
    String cookie;
    try {
      cookie = text(json, "cookie");
    } catch (Problem problem) {
      return new Decoded.Invalid<>(null, problem.getMessage());
    }
    try {
      String opName = text(json, "op");
      ControlOp op =
          ControlOp.ofWireName(opName).orElseThrow(() -> new Problem("unknown op " + opName));
      ControlRequest request =
          switch (op) {
            case OFFER ->
                new ControlRequest.Offer(
                    cookie, text(json, "callId"), text(json, "fromTag"), media(json));
            case ANSWER ->
                new ControlRequest.Answer(
                    cookie,
                    text(json, "callId"),
                    text(json, "fromTag"),
                    text(json, "toTag"),
                    media(json));
            case DELETE ->
                new ControlRequest.Delete(cookie, text(json, "callId"), text(json, "fromTag"));
            case PING -> new ControlRequest.Ping(cookie);
            case SILENT ->
                new ControlRequest.Silent(
                    cookie, (int) number(json, "seconds", 1, MAX_SILENCE_SECONDS));
          };
      return new Decoded.Valid<>(request);
    } catch (Problem problem) {
      return new Decoded.Invalid<>(cookie, problem.getMessage());
    }
  }

  public Decoded<ControlReply> decodeReply(byte[] datagram, int offset, int length) {
    JsonNode json;
    String cookie;
    try {
      json = parse(datagram, offset, length);
      cookie = text(json, "cookie");
    } catch (Problem problem) {
      return new Decoded.Invalid<>(null, problem.getMessage());
    }
    try {
      String result = text(json, "result");
      ControlReply reply;
      if (result.equals("error")) {
        String reason = text(json, "reason");
        ControlError error =
            ControlError.ofReason(reason)
                .orElseThrow(() -> new Problem("unknown reason " + reason));
        JsonNode detail = json.get("detail");
        reply =
            new ControlReply.Error(
                cookie, error, detail != null && detail.isTextual() ? detail.asText() : "");
      } else if (!result.equals("ok")) {
        throw new Problem("unknown result " + result);
      } else if (json.has(Direction.CALLER.wireName())) {
        reply =
            new ControlReply.Statistics(
                cookie,
                new SessionReport(
                    leg(json, Direction.CALLER.wireName()),
                    leg(json, Direction.CALLEE.wireName())));
      } else if (json.has("port")) {
        reply = new ControlReply.Media(cookie, media(json));
      } else if (json.has("zone")) {
        reply =
            new ControlReply.Pong(
                cookie,
                new RelayHealth(
                    zone(json),
                    text(json, "trunk"),
                    (int) number(json, "sessions", 0, Integer.MAX_VALUE),
                    (int) number(json, "maxSessions", 0, Integer.MAX_VALUE),
                    (int) number(json, "portPairsFree", 0, Integer.MAX_VALUE)));
      } else if (json.has("silent")) {
        reply = new ControlReply.Silent(cookie, callIds(json));
      } else {
        throw new Problem("reply of unknown shape");
      }
      return new Decoded.Valid<>(reply);
    } catch (Problem problem) {
      return new Decoded.Invalid<>(cookie, problem.getMessage());
    }
  }

  private JsonNode parse(byte[] datagram, int offset, int length) throws Problem {
    if (length > maxDatagramBytes) {
      throw new Problem("datagram of " + length + " bytes exceeds " + maxDatagramBytes);
    }
    JsonNode json;
    try {
      json = JSON.readTree(datagram, offset, length);
    } catch (JsonProcessingException e) {
      throw new Problem("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Problem("not JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new Problem("not a JSON object");
    }
    return json;
  }

  private static String text(JsonNode json, String field) throws Problem {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new Problem("missing text field " + field);
    }
    String text = value.asText();
    if (text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
      throw new Problem(field + " must have 1 to " + MAX_TEXT_LENGTH + " characters");
    }
    return text;
  }

  /**
   * The relay's zone, empty for a relay without one: a node without topology labels gives its pods
   * none (the proxies then pick relays without regard to zone).
   */
  private static String zone(JsonNode json) throws Problem {
    JsonNode value = json.get("zone");
    if (value == null || !value.isTextual()) {
      throw new Problem("missing text field zone");
    }
    if (value.asText().length() > MAX_TEXT_LENGTH) {
      throw new Problem("zone must have at most " + MAX_TEXT_LENGTH + " characters");
    }
    return value.asText();
  }

  private static List<String> callIds(JsonNode json) throws Problem {
    JsonNode array = json.get("silent");
    if (!array.isArray()) {
      throw new Problem("silent must be an array");
    }
    List<String> callIds = new ArrayList<>(array.size());
    for (JsonNode callId : array) {
      if (!callId.isTextual() || callId.asText().isEmpty()) {
        throw new Problem("silent must hold Call-IDs");
      }
      callIds.add(callId.asText());
    }
    return callIds;
  }

  private static long number(JsonNode json, String field, long min, long max) throws Problem {
    JsonNode value = json.get(field);
    if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
      throw new Problem("missing integer field " + field);
    }
    long number = value.asLong();
    if (number < min || number > max) {
      throw new Problem(field + " must be within " + min + "-" + max);
    }
    return number;
  }

  /** {@code ip}, {@code port}, and the optional {@code rtcpIp} and {@code rtcpPort} (RFC 3605). */
  private static MediaEndpoint media(JsonNode json) throws Problem {
    InetAddress ip = address(text(json, "ip"));
    int port = (int) number(json, "port", 1, 65535);
    InetAddress rtcpIp = json.has("rtcpIp") ? address(text(json, "rtcpIp")) : ip;
    int rtcpPort;
    if (json.has("rtcpPort")) {
      rtcpPort = (int) number(json, "rtcpPort", 1, 65535);
    } else if (port < 65535) {
      rtcpPort = port + 1;
    } else {
      throw new Problem("port 65535 leaves no room for RTCP; give rtcpPort");
    }
    return new MediaEndpoint(
        new InetSocketAddress(ip, port), new InetSocketAddress(rtcpIp, rtcpPort));
  }

  private static void putMedia(ObjectNode json, MediaEndpoint media) {
    json.put("ip", media.rtp().getAddress().getHostAddress());
    json.put("port", media.rtp().getPort());
    if (!media.rtcp().getAddress().equals(media.rtp().getAddress())) {
      json.put("rtcpIp", media.rtcp().getAddress().getHostAddress());
    }
    json.put("rtcpPort", media.rtcp().getPort());
  }

  private static LegReport leg(JsonNode json, String field) throws Problem {
    JsonNode leg = json.get(field);
    if (leg == null || !leg.isObject()) {
      throw new Problem("missing object " + field);
    }
    JsonNode jitter = leg.get("jitter");
    if (jitter == null || !jitter.isNumber() || !(jitter.asDouble() >= 0)) {
      throw new Problem("missing jitter in " + field);
    }
    return new LegReport(
        number(leg, "packets", 0, Long.MAX_VALUE),
        number(leg, "bytes", 0, Long.MAX_VALUE),
        number(leg, "lost", 0, Long.MAX_VALUE),
        jitter.asDouble());
  }

  private static InetAddress address(String literal) throws Problem {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) {
      throw new Problem("not an IP address: " + literal);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new Problem("not an IP address: " + literal);
    }
  }

  private static byte[] bytes(JsonNode json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fault in a datagram; cheap, since hostile input can send many. */
  private static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }
}
