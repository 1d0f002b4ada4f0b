package io.trunkline.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * A parsed SIP message with where it came from and the channel it arrived on, which is the way back
 * for responses (RFC 3261 §18.2.2: on a stream, over the same connection).
 */
public record InboundMessage(
    SIPMessage message,
    Transport transport,
    InetSocketAddress remote,
    InetSocketAddress local,
    Channel channel) {}
