package io.trunkline.sip.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an Authorization or Proxy-Authorization header value (RFC 3261 §25.1
 * digest-response): {@code Digest username="alice", realm="acme", nonce="...", ...}.
 */
public record DigestCredentials(Map<String, String> parameters) {

  /** Parses a header value; empty when it is not a Digest value. */
  public static Optional<DigestCredentials> parse(String headerValue) {
    String value = headerValue.trim();
    if (!value.regionMatches(true, 0, "Digest ", 0, 7)) {
      return Optional.empty();
    }
    Map<String, String> parameters = new HashMap<>();
    int i = 7;
    while (i < value.length()) {
      while (i < value.length()
          && (value.charAt(i) == ',' || Character.isWhitespace(value.charAt(i)))) {
        i++;
      }
      int equals = value.indexOf('=', i);
      if (equals < 0) {
        break;
      }
      String name = value.substring(i, equals).trim().toLowerCase(Locale.ROOT);
      i = equals + 1;
      String parameter;
      if (i < value.length() && value.charAt(i) == '"') {
        int close = value.indexOf('"', i + 1);
        if (close < 0) {
          return Optional.empty();
        }
        parameter = value.substring(i + 1, close);
        i = close + 1;
      } else {
        int comma = value.indexOf(',', i);
        int end = comma < 0 ? value.length() : comma;
        parameter = value.substring(i, end).trim();
        i = end;
      }
      parameters.put(name, parameter);
    }
    return Optional.of(new DigestCredentials(Map.copyOf(parameters)));
  }

  public String get(String name) {
    return parameters.get(name);
  }
}
