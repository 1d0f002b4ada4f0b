package io.trunkline.sip.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One datagram is one SIP message (RFC 3261 §18.3): the event loop only copies it out as a {@link
 * SipFrame}; parsing and the proxy's work happen on the call's worker ({@link SipInboundHandler}).
 */
@Sharable
public final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

  private final TransportStats stats;
  private final PeerAddresses peers = new PeerAddresses();

  public SipDatagramDecoder(TransportStats stats) {
    this.stats = stats;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    byte[] bytes = ByteBufUtil.getBytes(packet.content());
    if (isKeepAlive(bytes)) {
      // CRLF keep-alives carry no message (RFC 5626 §4.4.1 and common practice): ignore them.
      stats.keepAlive();
      return;
    }
    out.add(
        new SipFrame(
            bytes,
            Transport.UDP,
            peers.shared(packet.sender()),
            (InetSocketAddress) ctx.channel().localAddress(),
            ctx.channel()));
  }

  private static boolean isKeepAlive(byte[] bytes) {
    for (byte b : bytes) {
      if (b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }
}
