package io.trunkline.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;

/**
 * Hands parsed messages to the proxy and writes its answer back: to the datagram's source (RFC 3581
 * symmetric response routing, which NATed phones need) or on the same stream.
 */
@Sharable
final class SipInboundHandler extends SimpleChannelInboundHandler<InboundMessage> {

  private static final System.Logger LOG = System.getLogger(SipInboundHandler.class.getName());

  private final SipRequestHandler handler;

  SipInboundHandler(SipRequestHandler handler) {
    this.handler = handler;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, InboundMessage message) {
    handler
        .handle(message)
        .ifPresent(
            bytes ->
                ctx.writeAndFlush(
                    message.transport() == Transport.UDP
                        ? new DatagramPacket(
                            Unpooled.wrappedBuffer(bytes), (InetSocketAddress) message.remote())
                        : Unpooled.wrappedBuffer(bytes)));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // One bad exchange must not take the socket down for everyone else.
    LOG.log(System.Logger.Level.WARNING, "SIP handling failed on " + ctx.channel(), cause);
    if (ctx.channel() instanceof SocketChannel) {
      ctx.close();
    }
  }
}
