package io.trunkline.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A lenient look at a message's start line and headers, for when the real parser refused it: enough
 * to address a 400 Bad Request the way RFC 3261 §8.2.6.2 builds any response (copying Via, From,
 * To, Call-ID and CSeq).
 */
final class RawHeaders {

  /** A method token first (§25.1): what is left of the line may be what is broken. */
  private static final Pattern REQUEST_LINE = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+ .*");

  private final String startLine;
  private final List<String> copied;

  private RawHeaders(String startLine, List<String> copied) {
    this.startLine = startLine;
    this.copied = copied;
  }

  static RawHeaders scan(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String[] lines = head.split("\r?\n");
    List<String> copied = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && copies(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
        copied.add(line);
      }
    }
    return new RawHeaders(lines.length > 0 ? lines[0].trim() : "", copied);
  }

  /**
   * A 400 for a request that names enough to be answered, never for a response or an ACK (RFC 3261
   * §17.1.1.3: an ACK gets no response).
   */
  Optional<byte[]> badRequest(String reason) {
    return answer("400 Bad Request", reason);
  }

  /** A 505 for a request of another SIP version (RFC 3261 §8.2.2, §21.5.7), addressed as a 400. */
  Optional<byte[]> versionNotSupported(String reason) {
    return answer("505 Version Not Supported", reason);
  }

  private Optional<byte[]> answer(String status, String reason) {
    if (!REQUEST_LINE.matcher(startLine).matches() || startLine.startsWith("ACK ")) {
      return Optional.empty();
    }
    for (String needed : new String[] {"via", "from", "to", "call-id", "cseq"}) {
      if (copied.stream().noneMatch(h -> canonical(h).equals(needed))) {
        return Optional.empty();
      }
    }
    StringBuilder response = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
    copied.forEach(h -> response.append(h).append("\r\n"));
    // Warning 399 (RFC 3261 §20.43) tells the sender what was wrong, without echoing its bytes.
    response
        .append("Warning: 399 trunkline \"")
        .append(printable(reason))
        .append("\"\r\n")
        .append("Content-Length: 0\r\n\r\n");
    return Optional.of(response.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Printable ASCII, no quotes, bounded: the reason may quote the sender's own bytes. */
  private static String printable(String reason) {
    String clean = reason.replaceAll("[^\\x20-\\x7e]", "?").replace('"', '\'');
    return clean.length() <= 100 ? clean : clean.substring(0, 100);
  }

  private static boolean copies(String name) {
    return switch (name) {
      case "via", "v", "from", "f", "to", "t", "call-id", "i", "cseq" -> true;
      default -> false;
    };
  }

  /** Compact forms (RFC 3261 §7.3.3) as their long names. */
  private static String canonical(String header) {
    String name = header.substring(0, header.indexOf(':')).trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "v" -> "via";
      case "f" -> "from";
      case "t" -> "to";
      case "i" -> "call-id";
      default -> name;
    };
  }
}
