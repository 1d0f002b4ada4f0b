package io.trunkline.sip.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One datagram is one SIP message (RFC 3261 §18.3). Bad ones are answered with 400 when they can be
 * addressed and dropped (counted) otherwise; nothing thrown here reaches the event loop.
 */
@Sharable
public final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

  private final SipParser parser;
  private final TransportStats stats;

  public SipDatagramDecoder(SipParser parser, TransportStats stats) {
    this.parser = parser;
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
    ParseResult result = parser.parse(bytes);
    if (result instanceof ParseResult.Parsed parsed) {
      stats.received();
      out.add(
          new InboundMessage(
              parsed.message(),
              Transport.UDP,
              packet.sender(),
              (InetSocketAddress) ctx.channel().localAddress(),
              ctx.channel()));
    } else if (result instanceof ParseResult.Malformed malformed) {
      stats.malformed(malformed.badRequest().isPresent());
      malformed
          .badRequest()
          .ifPresent(
              reply ->
                  ctx.writeAndFlush(
                      new DatagramPacket(Unpooled.wrappedBuffer(reply), packet.sender())));
    }
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
