package io.trunkline.sip.proxy;

import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

/** A carrier that rings and never answers, counting the INVITEs it receives. */
final class RingingCarrier implements AutoCloseable {

  private final DatagramSocket socket;

  RingingCarrier(String address, int port) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(address, port));
  }

  /** Answers each INVITE with 180 for {@code window}; returns how many came. */
  int invitesWithin(Duration window) {
    int invites = 0;
    Instant end = Instant.now().plus(window);
    SipParser parser = new SipParser();
    try {
      while (Instant.now().isBefore(end)) {
        socket.setSoTimeout((int) Math.max(1, Duration.between(Instant.now(), end).toMillis()));
        DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        }
        byte[] bytes = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        if (parser.parse(bytes) instanceof ParseResult.Parsed parsed
            && parsed.message() instanceof SIPRequest request
            && "INVITE".equals(request.getMethod())) {
          invites++;
          byte[] ringing = request.createResponse(180).encodeAsBytes("UDP");
          socket.send(new DatagramPacket(ringing, ringing.length, packet.getSocketAddress()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return invites;
  }

  @Override
  public void close() {
    socket.close();
  }
}
