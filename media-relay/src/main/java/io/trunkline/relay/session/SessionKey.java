package io.trunkline.relay.session;

import java.util.Objects;

/** A call leg as SIP names it: the Call-ID and one party's tag (RFC 3261 §12). */
public record SessionKey(String callId, String tag) {

  public SessionKey {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(tag, "tag");
  }
}
