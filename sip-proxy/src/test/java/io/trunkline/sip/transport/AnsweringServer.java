package io.trunkline.sip.transport;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.InetSocketAddress;
import java.text.ParseException;

/**
 * The SIP transports without the proxy, on a free loopback port marking CS3: every request but ACK
 * gets 200 on its way back, with an Allow naming its method.
 */
final class AnsweringServer {

  static final String ADDRESS = "127.0.0.1";

  private AnsweringServer() {}

  static SipServer start() throws InterruptedException {
    return start(null);
  }

  /** Also over TLS, on {@code tls}'s port with its certificate; null for none. */
  static SipServer start(SipServer.TlsFiles tls) throws InterruptedException {
    return SipServer.start(
        new SipServer.Settings(
            new InetSocketAddress(ADDRESS, LoopbackPorts.freePort(ADDRESS)), 24, tls, null),
        (sender, workers) -> message -> answer(sender, message));
  }

  private static void answer(SipSender sender, InboundMessage message) {
    if (message.message() instanceof SIPRequest request && !"ACK".equals(request.getMethod())) {
      SIPResponse ok = request.createResponse(200);
      try {
        ok.addHeader(new HeaderFactoryImpl().createAllowHeader(request.getMethod()));
      } catch (ParseException e) {
        throw new IllegalStateException(e);
      }
      sender.reply(message, ok.encodeAsBytes(message.transport().name()));
    }
  }
}
