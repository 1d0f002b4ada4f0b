package io.trunkline.sip.message;

/**
 * One pass over the bytes of a message's start line and headers before JAIN-SIP reads them: the
 * header count (for the limit), framing faults JAIN-SIP would let through, and the SIP version of a
 * request, which JAIN-SIP reads as 2.0 whatever it says. Runs on every message, so it touches each
 * byte once and builds no strings.
 *
 * @param problem what is wrong with the framing, or null
 */
record HeadCheck(int headerLines, String problem, boolean otherVersion) {

  static HeadCheck of(byte[] bytes) {
    int end = headEnd(bytes);
    int lines = 0;
    int startLineEnd = -1;
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
        }
        if (i + 1 < end && bytes[i + 1] != ' ' && bytes[i + 1] != '\t') {
          lines++;
        }
      } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
        problem = "control character in the headers";
      }
    }
    return new HeadCheck(
        lines, problem, otherVersion(bytes, startLineEnd < 0 ? end : startLineEnd));
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
    if (lineEnd >= 4 && bytes[0] == 'S' && bytes[1] == 'I' && bytes[2] == 'P' && bytes[3] == '/') {
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
