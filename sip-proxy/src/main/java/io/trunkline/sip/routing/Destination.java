package io.trunkline.sip.routing;

import java.util.Optional;

/** The number a call is for, in the form RoutePolicy prefixes are written in (E.164, ITU-T). */
public final class Destination {

  private Destination() {}

  /**
   * Normalises the user part of a Request-URI: visual separators go (RFC 3966 §5.1.1), an
   * international {@code 00} becomes {@code +}. Returns empty for anything that is not a number.
   */
  public static Optional<String> normalise(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder number = new StringBuilder(user.length());
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c >= '0' && c <= '9') {
        number.append(c);
      } else if (c == '+' && number.isEmpty()) {
        number.append(c);
      } else if (c == ';') {
        break; // tel-URI style parameters (RFC 3966 §3) end the number
      } else if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
        return Optional.empty();
      }
    }
    if (number.length() > 2 && number.charAt(0) == '0' && number.charAt(1) == '0') {
      number.replace(0, 2, "+");
    }
    return number.isEmpty() || number.toString().equals("+")
        ? Optional.empty()
        : Optional.of(number.toString());
  }
}
