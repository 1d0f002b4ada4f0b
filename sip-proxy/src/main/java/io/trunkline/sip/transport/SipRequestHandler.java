package io.trunkline.sip.transport;

import java.util.Optional;

/** What the proxy does with a parsed message: the responses to send back on the same path. */
@FunctionalInterface
public interface SipRequestHandler {

  /** The bytes of a response to send to the message's sender, if any. */
  Optional<byte[]> handle(InboundMessage message);
}
