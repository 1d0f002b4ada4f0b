package io.trunkline.sip.transport;

/** What the proxy does with each parsed message; it answers through a {@link SipSender}. */
@FunctionalInterface
public interface SipMessageHandler {

  void handle(InboundMessage message);
}
