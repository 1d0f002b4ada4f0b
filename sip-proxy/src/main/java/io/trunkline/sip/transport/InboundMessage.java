package io.trunkline.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import java.net.SocketAddress;

/** A parsed SIP message with where it came from and on which socket it arrived. */
public record InboundMessage(
    SIPMessage message, Transport transport, SocketAddress remote, SocketAddress local) {}
