package io.trunkline.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * A parsed SIP message with where it came from and the channel it arrived on, which is the way back
 * for responses (RFC 3261 §18.2.2: on a stream, over the same connection).
 *
 * @param remote the previous hop, where responses go
 * @param origin who sent it to the pool: the previous hop, unless another proxy of the pool handed
 *     the request over, when it is the sender that proxy saw (admission, bans and the caller's
 *     address go by it)
 */
public record InboundMessage(
    SIPMessage message,
    Transport transport,
    InetSocketAddress remote,
    InetSocketAddress local,
    Channel channel,
    InetSocketAddress origin) {

  public InboundMessage(
      SIPMessage message,
      Transport transport,
      InetSocketAddress remote,
      InetSocketAddress local,
      Channel channel) {
    this(message, transport, remote, local, channel, remote);
  }

  /**
   * Where the message came from and the way back, without the message: what answering its
   * retransmissions takes.
   */
  public InboundMessage withoutMessage() {
    return new InboundMessage(null, transport, remote, local, channel, origin);
  }

  /** This message as handed over by a proxy of the pool on behalf of {@code sender}. */
  public InboundMessage handedOverFor(InetSocketAddress sender) {
    return new InboundMessage(message, transport, remote, local, channel, sender);
  }
}
