package io.trunkline.sip.transaction;

import gov.nist.javax.sip.message.SIPMessage;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A sender that keeps the first line of everything sent, with the time it went. */
final class RecordingSender implements SipSender {

  /** One message on the (imaginary) wire. */
  record Sent(long at, String firstLine) {}

  private final ManualScheduler clock;
  final List<Sent> sent = new ArrayList<>();
  private final List<Runnable> refusals = new ArrayList<>();

  RecordingSender(ManualScheduler clock) {
    this.clock = clock;
  }

  @Override
  public void reply(InboundMessage request, byte[] response) {
    record(new String(response, StandardCharsets.UTF_8));
  }

  @Override
  public void send(SIPMessage message, Transport transport, InetSocketAddress destination) {
    record(message.encode());
  }

  @Override
  public void send(
      SIPMessage message,
      Transport transport,
      InetSocketAddress destination,
      Runnable unreachable) {
    send(message, transport, destination);
    refusals.add(unreachable);
  }

  /** Tells the senders of everything sent so far that the network refused it. */
  void refuseAll() {
    List<Runnable> told = List.copyOf(refusals);
    refusals.clear();
    told.forEach(Runnable::run);
  }

  private void record(String text) {
    sent.add(new Sent(clock.millis(), text.substring(0, text.indexOf('\r'))));
  }

  /** When each message starting with {@code firstLine} went, in order. */
  List<Long> times(String firstLine) {
    return sent.stream().filter(s -> s.firstLine().startsWith(firstLine)).map(Sent::at).toList();
  }
}
