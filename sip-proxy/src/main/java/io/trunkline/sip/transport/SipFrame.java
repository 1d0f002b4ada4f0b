package io.trunkline.sip.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * The bytes of one SIP message as framed by its transport (a datagram, or a stream's headers and
 * Content-Length bytes of body, RFC 3261 §18.3), not yet parsed, with where it came from.
 */
public record SipFrame(
    byte[] bytes,
    Transport transport,
    InetSocketAddress remote,
    InetSocketAddress local,
    Channel channel) {

  /**
   * A hash of the Call-ID header's value (or compact {@code i}, RFC 3261 §7.3.3) found by a plain
   * scan, before any parsing, equal to {@link CallWorkers#hash(String)} of the parsed value; the
   * sender's address when there is none.
   */
  public int callIdHash() {
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int value = headerValue(i + 1);
      if (value > 0) {
        int end = value;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
          end++;
        }
        while (end > value && (bytes[end - 1] == ' ' || bytes[end - 1] == '\t')) {
          end--;
        }
        return CallWorkers.hash(bytes, value, end);
      }
    }
    return remote == null ? 0 : remote.hashCode();
  }

  /** Where the value starts if a Call-ID header starts at {@code at}, else -1. */
  private int headerValue(int at) {
    int name;
    if (matches(at, "call-id")) {
      name = at + 7;
    } else if (at < bytes.length && (bytes[at] == 'i' || bytes[at] == 'I')) {
      name = at + 1;
    } else {
      return -1;
    }
    int i = name;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
    }
    if (i >= bytes.length || bytes[i] != ':') {
      return -1;
    }
    i++;
    while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
    }
    return i;
  }

  private boolean matches(int at, String lowerCase) {
    if (at + lowerCase.length() > bytes.length) {
      return false;
    }
    for (int k = 0; k < lowerCase.length(); k++) {
      if (Character.toLowerCase((char) bytes[at + k]) != lowerCase.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
