package io.trunkline.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.net.InetSocketAddress;

/** Puts SIP messages on the wire from the proxy's own sockets. */
public interface SipSender {

  /**
   * Sends a response the way its request came: to the datagram's source (RFC 3581 symmetric
   * response routing, which NATed phones need) or over the same connection (RFC 3261 §18.2.2).
   */
  void reply(InboundMessage request, byte[] response);

  /**
   * Sends to {@code destination}: UDP from the listening socket, so answers come back to it;
   * streams over a connection already open to that address (§18 connection reuse) or a new one.
   */
  void send(SIPMessage message, Transport transport, InetSocketAddress destination);

  /**
   * Sends as {@link #send(SIPMessage, Transport, InetSocketAddress)} does, and runs {@code
   * unreachable} (on any thread) when the network refuses the message: a connection refused or
   * reset, an ICMP port or host unreachable where the transport can see it.
   */
  default void send(
      SIPMessage message,
      Transport transport,
      InetSocketAddress destination,
      Runnable unreachable) {
    send(message, transport, destination);
  }
}
