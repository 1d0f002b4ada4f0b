package io.trunkline.sip.transport;

import java.util.Locale;

/** How a message travels (RFC 3261 §18, RFC 5630 for TLS). */
public enum Transport {
  UDP,
  TCP,
  TLS;

  /** Streams carry their own framing and deliver reliably: no retransmissions (§17.1.1.2). */
  public boolean reliable() {
    return this != UDP;
  }

  /** The value of a URI's transport parameter (§19.1.1), in lower case. */
  public String uriParameter() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport a Via, URI parameter or configuration names; UDP when it names none. */
  public static Transport of(String name) {
    if (name == null || name.isEmpty()) {
      return UDP;
    }
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
