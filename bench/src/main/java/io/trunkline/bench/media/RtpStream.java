package io.trunkline.bench.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One direction of a G.711 call: 20 ms packets of 160 PCMU bytes behind a 12-byte RTP header (RFC
 * 3550 §5.1) with a random SSRC, starting sequence number and timestamp, and a record of which
 * packets arrived.
 *
 * <p>Sender and receiver run on the same event loop (both phones of a call share one), so the
 * record needs no locks.
 */
final class RtpStream {

  static final int HEADER_BYTES = 12;
  static final int PAYLOAD_BYTES = 160;
  static final int PACKET_BYTES = HEADER_BYTES + PAYLOAD_BYTES;

  /** 8000 Hz for 20 ms (RFC 3551 §4.5.14). */
  private static final int TIMESTAMP_STEP = 160;

  private static final int PAYLOAD_TYPE_PCMU = 0;

  /** PCMU silence. */
  private static final byte[] PAYLOAD = filled(PAYLOAD_BYTES, (byte) 0xFF);

  private final int ssrc;
  private final int firstSequence;
  private final int firstTimestamp;
  private final int packets;
  private final long[] arrived;
  private Channel sender;
  private InetSocketAddress destination;
  private int duplicates;
  private int foreign;

  /**
   * @param packets packets the stream sends in all; sequence numbers stay within one cycle (65536)
   * @param ssrc the stream's synchronization source, which the receiving phone finds it by
   */
  RtpStream(int packets, int ssrc) {
    if (packets > 65536) {
      throw new IllegalArgumentException("more packets than sequence numbers: " + packets);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.ssrc = ssrc;
    this.firstSequence = random.nextInt(65536);
    this.firstTimestamp = random.nextInt();
    this.packets = packets;
    this.arrived = new long[(packets + 63) >>> 6];
  }

  /** The phone socket the stream leaves from, and where it must go. */
  void sendFrom(Channel channel, InetSocketAddress destination) {
    this.sender = channel;
    this.destination = destination;
  }

  /**
   * Queues packet number {@code index} (0 is the first, with the marker bit) on the sending socket;
   * the caller flushes, so that a socket's packets of one millisecond leave in one {@code
   * sendmmsg}.
   */
  void send(int index) {
    ByteBuf packet = sender.alloc().directBuffer(PACKET_BYTES);
    packet.writeByte(0x80); // version 2, no padding, no extension, no CSRC
    packet.writeByte(index == 0 ? 0x80 | PAYLOAD_TYPE_PCMU : PAYLOAD_TYPE_PCMU);
    packet.writeShort(firstSequence + index);
    packet.writeInt(firstTimestamp + index * TIMESTAMP_STEP);
    packet.writeInt(ssrc);
    packet.writeBytes(PAYLOAD);
    sender.write(new DatagramPacket(packet, destination), sender.voidPromise());
  }

  /** Records a datagram that arrived for this stream; it stays the caller's to release. */
  void received(ByteBuf datagram) {
    int at = datagram.readerIndex();
    if (datagram.readableBytes() != PACKET_BYTES || datagram.getInt(at + 8) != ssrc) {
      foreign++;
      return;
    }
    // Distance from the first sequence number, modulo 2^16: wrap-around needs no special case.
    int index = (datagram.getUnsignedShort(at + 2) - firstSequence) & 0xFFFF;
    if (index >= packets) {
      foreign++;
      return;
    }
    long bit = 1L << index;
    if ((arrived[index >>> 6] & bit) != 0) {
      duplicates++;
    } else {
      arrived[index >>> 6] |= bit;
    }
  }

  /** Distinct packets numbered {@code from} (inclusive) to {@code to} (exclusive) that arrived. */
  int arrivedBetween(int from, int to) {
    int count = 0;
    for (int index = from; index < to; index++) {
      if ((arrived[index >>> 6] & (1L << index)) != 0) {
        count++;
      }
    }
    return count;
  }

  int ssrc() {
    return ssrc;
  }

  int duplicates() {
    return duplicates;
  }

  /** Datagrams that were not this stream's packets (wrong SSRC, size or sequence). */
  int foreign() {
    return foreign;
  }

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }
}
