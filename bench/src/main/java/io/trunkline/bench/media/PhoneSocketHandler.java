package io.trunkline.bench.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/** A phone socket's inbound side: hands each datagram to its stream, found by SSRC. */
final class PhoneSocketHandler extends ChannelInboundHandlerAdapter {

  private final List<RtpStream> incoming;

  PhoneSocketHandler(List<RtpStream> incoming) {
    this.incoming = incoming;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ByteBuf datagram = msg instanceof DatagramPacket packet ? packet.content() : (ByteBuf) msg;
      // A datagram too short for RTP, or whose SSRC places it on no stream of this socket, is no
      // packet of ours: only the streams' own records count.
      if (datagram.readableBytes() < RtpStream.HEADER_BYTES) {
        return;
      }
      int place =
          datagram.getInt(datagram.readerIndex() + 8) & (PhoneSocket.MAX_PHONES_PER_SOCKET - 1);
      if (place < incoming.size()) {
        incoming.get(place).received(datagram);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // ICMP port unreachable before a relay's port is up, and the like: the loss count shows it.
  }
}
