package io.trunkline.process.settings;

/**
 * A host and a port as settings write them: {@code relay.acme.svc:2223}, {@code 192.0.2.7:5060}, or
 * an IPv6 literal in brackets, {@code [2001:db8::7]:5060} (RFC 3986 §3.2.2). The host is kept as
 * written, unresolved: a Service name may resolve to other addresses later.
 *
 * @param host a name or an IP literal, without brackets
 * @param port 0-65535; 0 binds an ephemeral port
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("no host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 0-65535");
    }
  }

  /**
   * Reads {@code HOST:PORT} or {@code [IPV6]:PORT}.
   *
   * @throws IllegalArgumentException saying in a few words what is wrong (the caller names the text
   *     and where it came from); an IPv6 literal without brackets is refused, since its last group
   *     could be read as the port
   */
  public static HostPort parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("an IPv6 address is written [ADDRESS]:PORT");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("no port");
      }
      if (text.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("an IPv6 address goes in brackets, [ADDRESS]:PORT");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9') || port.length() > 5) {
      throw new IllegalArgumentException("the port is not a number");
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  /** As {@link #parse} reads it: IPv6 literals in brackets. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
