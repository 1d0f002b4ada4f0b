package io.trunkline.sip.message;

/**
 * One pass over the bytes of a message's start line and headers before JAIN-SIP reads them: the
 * header count (for the limit), framing and grammar faults JAIN-SIP would let through, and the SIP
 * version of a request, which JAIN-SIP reads as 2.0 whatever it says. Runs on every message, so it
 * touches each byte once and builds no strings. RFC 4475's torture messages (docs/rfc4475.md) are
 * what it is measured against.
 *
 * @param problem what is wrong with the framing or grammar, or null
 */
record HeadCheck(int headerLines, String problem, boolean otherVersion) {

  /**
   * Headers a message carries once (RFC 3261 §7.3.1: only comma-list headers may repeat). Two
   * Content-Length values leave the body's end unknown (RFC 4475 §3.3.9); two Call-IDs, CSeqs,
   * Froms, Tos or Max-Forwards leave the request meaning two things (§3.3.8).
   */
  private static final String[][] SINGLE = {
    {"call-id", "i"},
    {"cseq"},
    {"from", "f"},
    {"to", "t"},
    {"max-forwards"},
    {"content-length", "l"},
    {"content-type", "c"},
  };

  private static final int FROM = 2;
  private static final int TO = 3;

  /** Contact is not single but carries addresses like From and To. */
  private static final int CONTACT = SINGLE.length;

  private static final String[] CONTACT_NAMES = {"contact", "m"};

  static HeadCheck of(byte[] bytes) {
    int end = headEnd(bytes);
    int lines = 0;
    int startLineEnd = -1;
    int seen = 0;
    int header = -1;
    boolean request = false;
    boolean quoted = false;
    int angle = 0;
    String problem = null;
    for (int i = 0; i < end && problem == null; i++) {
      int b = bytes[i] & 0xff;
      if (b == '\r') {
        // RFC 3261 §7.3.1: lines end in CRLF; a bare CR is how a header hides inside another.
        if (i + 1 >= bytes.length || bytes[i + 1] != '\n') {
          problem = "bare CR in the headers";
        }
      } else if (b == '\n') {
        if (startLineEnd < 0) {
          startLineEnd = i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
          request = !isStatusLine(bytes, startLineEnd);
          problem = request ? requestLineProblem(bytes, startLineEnd) : null;
        }
        if (i + 1 < end && bytes[i + 1] != ' ' && bytes[i + 1] != '\t') {
          lines++;
          header = headerAt(bytes, i + 1, end);
          quoted = false;
          angle = 0;
          if (header >= 0 && header < CONTACT) {
            if ((seen & (1 << header)) != 0) {
              problem = "more than one " + SINGLE[header][0] + " header";
            }
            seen |= 1 << header;
          }
        }
      } else if (quoted && b == '\\' && i + 1 < end) {
        // A quoted-pair may escape any octet but CR and LF (§25.1), controls included (RFC 4475
        // §3.1.1.2 escapes BEL, NUL and DEL in a display name).
        int next = bytes[i + 1] & 0xff;
        if (next != '\r' && next != '\n') {
          i++;
        }
      } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
        problem = "control character in the headers";
      } else if (b == '"') {
        quoted = !quoted;
      } else if (request && !quoted && (header == FROM || header == TO || header == CONTACT)) {
        // Requests only: a response is never answered, and a carrier's sloppy Contact in a 200
        // would otherwise cost the call.
        problem = addressProblem(bytes, i, end, header, angle);
        angle += b == '<' ? 1 : b == '>' ? -1 : 0;
      }
    }
    return new HeadCheck(
        lines, problem, otherVersion(bytes, startLineEnd < 0 ? end : startLineEnd));
  }

  /**
   * name-addr has no space inside its angle brackets (§25.1: LAQUOT is {@code SWS "<"}, RAQUOT
   * {@code ">" SWS}; RFC 4475 §3.1.2.14), and From and To carry one address whose display name is a
   * quoted string or tokens, so a comma outside quotes and brackets is a display name that needed
   * quotes (§3.1.2.15).
   */
  private static String addressProblem(byte[] bytes, int i, int end, int header, int angle) {
    int b = bytes[i];
    if (b == '<' && i + 1 < end && isWhitespace(bytes[i + 1])) {
      return "spaces within an addr-spec";
    }
    if (b == '>' && angle > 0 && isWhitespace(bytes[i - 1])) {
      return "spaces within an addr-spec";
    }
    if (b == ',' && angle == 0 && header != CONTACT) {
      return "a display name with non-token characters needs quotes";
    }
    return null;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /** Which of {@link #SINGLE} (or Contact) the header line at {@code start} is, or -1. */
  private static int headerAt(byte[] bytes, int start, int end) {
    int nameEnd = start;
    while (nameEnd < end && bytes[nameEnd] != ':' && !isWhitespace(bytes[nameEnd])) {
      nameEnd++;
    }
    for (int h = 0; h < SINGLE.length; h++) {
      for (String name : SINGLE[h]) {
        if (named(bytes, start, nameEnd, name)) {
          return h;
        }
      }
    }
    for (String name : CONTACT_NAMES) {
      if (named(bytes, start, nameEnd, name)) {
        return CONTACT;
      }
    }
    return -1;
  }

  private static boolean named(byte[] bytes, int start, int end, String name) {
    if (end - start != name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      int b = bytes[start + i];
      if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, one SP each and no other white
   * space (RFC 4475 §3.1.2.8 to §3.1.2.10), and a Request-URI not in angle brackets (§3.1.2.7). A
   * status line is never answered, so it is left to the parser.
   */
  private static String requestLineProblem(byte[] bytes, int lineEnd) {
    int spaces = 0;
    int firstSpace = -1;
    for (int i = 0; i < lineEnd; i++) {
      if (bytes[i] == '\t') {
        return "a tab in the Request-Line";
      }
      if (bytes[i] == ' ') {
        if (i == 0 || i == lineEnd - 1 || bytes[i - 1] == ' ') {
          return "the Request-Line is not Method SP Request-URI SP SIP-Version";
        }
        spaces++;
        firstSpace = firstSpace < 0 ? i : firstSpace;
      }
    }
    if (spaces != 2) {
      return "the Request-Line is not Method SP Request-URI SP SIP-Version";
    }
    if (bytes[firstSpace + 1] == '<') {
      return "the Request-URI is enclosed in <>";
    }
    return null;
  }

  private static boolean isStatusLine(byte[] bytes, int lineEnd) {
    return lineEnd >= 4 && bytes[0] == 'S' && bytes[1] == 'I' && bytes[2] == 'P' && bytes[3] == '/';
  }

  /** Where the blank line after the headers starts (CRLFCRLF, or LFLF from lax senders). */
  private static int headEnd(byte[] bytes) {
    for (int i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\n'
          && (bytes[i + 1] == '\n'
              || (bytes[i + 1] == '\r' && i + 2 < bytes.length && bytes[i + 2] == '\n'))) {
        return i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
      }
    }
    return bytes.length;
  }

  /** A request line ending in " SIP/x.y" with a version other than 2.0 (answered 505). */
  private static boolean otherVersion(byte[] bytes, int lineEnd) {
    if (isStatusLine(bytes, lineEnd)) {
      return false; // a status line: responses are never answered
    }
    int slash = lineEnd - 1;
    while (slash > 0 && bytes[slash] != '/' && bytes[slash] != ' ') {
      slash--;
    }
    if (slash < 4 || bytes[slash] != '/' || bytes[slash - 4] != ' ') {
      return false;
    }
    if (bytes[slash - 3] != 'S' || bytes[slash - 2] != 'I' || bytes[slash - 1] != 'P') {
      return false;
    }
    // " SIP/" then digits, a dot and digits, other than 2.0: runs on every request, so by hand.
    int dot = -1;
    for (int i = slash + 1; i < lineEnd; i++) {
      if (bytes[i] == '.' && dot < 0 && i > slash + 1) {
        dot = i;
      } else if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    boolean twoDotZero =
        dot == slash + 2 && lineEnd == dot + 2 && bytes[slash + 1] == '2' && bytes[dot + 1] == '0';
    return dot > 0 && dot < lineEnd - 1 && !twoDotZero;
  }
}
