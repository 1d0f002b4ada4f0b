package io.trunkline.relay;

import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.testing.net.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A phone's media end for loopback tests: an RTP and an RTCP socket, each counting what it receives
 * on its own thread, and G.711 packets to send. Closing it ends both threads.
 */
final class Phone implements AutoCloseable {

  /** 20 ms of G.711 at 8000 Hz. */
  static final int PAYLOAD_BYTES = 160;

  static final int RTP_PACKET_BYTES = 12 + PAYLOAD_BYTES;

  private final Socket rtp;
  private final Socket rtcp;

  Phone(String address) {
    this.rtp = new Socket(address);
    this.rtcp = new Socket(address);
  }

  /** Where this phone receives, as its SDP would say (with {@code a=rtcp}, RFC 3605). */
  MediaEndpoint endpoint() {
    return new MediaEndpoint(rtp.address(), rtcp.address());
  }

  int rtpReceived() {
    return rtp.received.get();
  }

  int rtcpReceived() {
    return rtcp.received.get();
  }

  /** Sources of the RTP packets received, in order. */
  Queue<InetSocketAddress> rtpSources() {
    return rtp.sources;
  }

  /** Sends one PCMU packet (RFC 3551: payload type 0) from the RTP socket. */
  void sendRtp(InetSocketAddress to, int sequence, long timestamp) {
    ByteBuffer packet = ByteBuffer.allocate(RTP_PACKET_BYTES);
    packet.put((byte) 0x80).put((byte) 0).putShort((short) sequence);
    packet.putInt((int) timestamp).putInt(0x1234abcd);
    rtp.send(packet.array(), to);
  }

  /** Sends a minimal RTCP receiver report (RFC 3550 §6.4.2, PT 201) from the RTCP socket. */
  void sendRtcp(InetSocketAddress to) {
    ByteBuffer packet = ByteBuffer.allocate(8);
    packet.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(0x1234abcd);
    rtcp.send(packet.array(), to);
  }

  @Override
  public void close() throws InterruptedException {
    rtp.close();
    rtcp.close();
  }

  private static final class Socket {
    private final DatagramSocket socket;
    private final Thread receiver;
    private final AtomicInteger received = new AtomicInteger();
    private final Queue<InetSocketAddress> sources = new ConcurrentLinkedQueue<>();

    Socket(String address) {
      try {
        socket = new DatagramSocket(new InetSocketAddress(LoopbackPorts.loopback(address), 0));
      } catch (SocketException e) {
        throw new UncheckedIOException(e);
      }
      receiver = new Thread(this::receive, "phone-" + socket.getLocalPort());
      receiver.setDaemon(true);
      receiver.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(byte[] bytes, InetSocketAddress to) {
      try {
        socket.send(new DatagramPacket(bytes, bytes.length, to));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Ends when the socket is closed. */
    private void receive() {
      DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
      while (!socket.isClosed()) {
        try {
          socket.receive(packet);
          sources.add((InetSocketAddress) packet.getSocketAddress());
          received.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    }

    void close() throws InterruptedException {
      socket.close();
      receiver.join(5_000);
    }
  }
}
