package io.trunkline.sip.proxy;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A sender that keeps what was sent and where each went; replies go nowhere. */
final class SentMessages implements SipSender {

  final List<SIPMessage> messages = new ArrayList<>();
  final List<InetSocketAddress> destinations = new ArrayList<>();

  @Override
  public void reply(InboundMessage request, byte[] response) {}

  @Override
  public void send(SIPMessage message, Transport transport, InetSocketAddress to) {
    messages.add(message);
    destinations.add(to);
  }

  /** The {@code index}th message sent, a request. */
  SIPRequest request(int index) {
    return (SIPRequest) messages.get(index);
  }

  int count() {
    return messages.size();
  }
}
