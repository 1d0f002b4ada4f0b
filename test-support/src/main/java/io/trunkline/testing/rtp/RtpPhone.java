package io.trunkline.testing.rtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** A phone's media socket: sends G.711-sized RTP and counts what comes back. */
public final class RtpPhone implements AutoCloseable {

  private final DatagramSocket socket;
  private final int ssrc;

  public RtpPhone(String address, int ssrc) throws IOException {
    this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
    this.ssrc = ssrc;
  }

  public int port() {
    return socket.getLocalPort();
  }

  /**
   * Sends sequence numbers 0 to {@code count - 1 + skipped.size()}, leaving out {@code skipped}, 20
   * ms of PCMU apart in RTP time (RFC 3551 §4.5.14: 160 samples at 8 kHz).
   */
  public int send(InetSocketAddress relay, int count, Set<Integer> skipped) throws IOException {
    int sent = 0;
    for (int seq = 0; sent < count; seq++) {
      if (skipped.contains(seq)) {
        continue;
      }
      ByteBuffer packet = ByteBuffer.allocate(12 + 160);
      packet.put((byte) 0x80).put((byte) 0).putShort((short) seq).putInt(seq * 160).putInt(ssrc);
      socket.send(new DatagramPacket(packet.array(), packet.capacity(), relay));
      sent++;
    }
    return sent;
  }

  /** Counts RTP packets received until {@code expected} came or {@code limit} passed. */
  public int receive(int expected, Duration limit) {
    int received = 0;
    Instant end = Instant.now().plus(limit);
    try {
      while (received < expected && Instant.now().isBefore(end)) {
        socket.setSoTimeout((int) Math.max(1, Duration.between(Instant.now(), end).toMillis()));
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (packet.getLength() >= 12 && (packet.getData()[0] & 0xc0) == 0x80) {
          received++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return received;
  }

  @Override
  public void close() {
    socket.close();
  }
}
