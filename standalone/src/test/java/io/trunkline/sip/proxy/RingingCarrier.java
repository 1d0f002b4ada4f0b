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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A carrier that rings and never answers, counting the INVITEs it receives; it answers the proxy's
 * probes.
 */
final class RingingCarrier implements AutoCloseable {

  private final DatagramSocket socket;
  private final AtomicInteger invites = new AtomicInteger();

  RingingCarrier(String address, int port) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(address, port));
  }

  /** Answers each INVITE with 180, and each OPTIONS, for {@code window}; returns the INVITEs. */
  int invitesWithin(Duration window) {
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
            && parsed.message() instanceof SIPRequest request) {
          if ("INVITE".equals(request.getMethod())) {
            invites.incrementAndGet();
            send(request.createResponse(180).encodeAsBytes("UDP"), packet);
          } else if ("OPTIONS".equals(request.getMethod())) {
            send(request.createResponse(200).encodeAsBytes("UDP"), packet);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return invites.get();
  }

  /** The INVITEs received so far, while {@link #invitesWithin} runs on another thread. */
  int invitesSoFar() {
    return invites.get();
  }

  private void send(byte[] response, DatagramPacket request) throws IOException {
    socket.send(new DatagramPacket(response, response.length, request.getSocketAddress()));
  }

  @Override
  public void close() {
    socket.close();
  }
}
