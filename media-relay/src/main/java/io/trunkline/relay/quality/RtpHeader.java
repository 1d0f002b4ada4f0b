package io.trunkline.relay.quality;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * The fixed RTP header (RFC 3550 §5.1), read without copying: what the relay needs for quality
 * statistics. A datagram that is not RTP version 2 with a complete header is not read.
 */
public record RtpHeader(int payloadType, int sequence, long timestamp, long ssrc) {

  private static final int FIXED_LENGTH = 12;

  public static Optional<RtpHeader> read(ByteBuf packet) {
    int start = packet.readerIndex();
    if (packet.readableBytes() < FIXED_LENGTH) {
      return Optional.empty();
    }
    int first = packet.getUnsignedByte(start);
    int csrcCount = first & 0x0f;
    if ((first >>> 6) != 2 || packet.readableBytes() < FIXED_LENGTH + 4 * csrcCount) {
      return Optional.empty();
    }
    int payloadType = packet.getUnsignedByte(start + 1) & 0x7f;
    // RFC 5761 §4: payload types 72-76 with the marker folded in are RTCP on a muxed port.
    if (payloadType >= 72 && payloadType <= 76) {
      return Optional.empty();
    }
    return Optional.of(
        new RtpHeader(
            payloadType,
            packet.getUnsignedShort(start + 2),
            packet.getUnsignedInt(start + 4),
            packet.getUnsignedInt(start + 8)));
  }
}
