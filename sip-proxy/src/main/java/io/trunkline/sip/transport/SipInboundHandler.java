package io.trunkline.sip.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;

/** Hands parsed messages to the proxy; one failed exchange never takes a socket down for others. */
@Sharable
final class SipInboundHandler extends SimpleChannelInboundHandler<InboundMessage> {

  private static final System.Logger LOG = System.getLogger(SipInboundHandler.class.getName());

  private final SipMessageHandler handler;

  SipInboundHandler(SipMessageHandler handler) {
    this.handler = handler;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, InboundMessage message) {
    handle(handler, message);
  }

  /** Hands one message on; a message the proxy could not handle is lost, not the socket. */
  static void handle(SipMessageHandler handler, InboundMessage message) {
    try {
      handler.handle(message);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "SIP handling failed for Call-ID " + message.message().getCallId(),
          e);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.WARNING, "SIP transport failed on " + ctx.channel(), cause);
    if (ctx.channel() instanceof SocketChannel) {
      ctx.close();
    }
  }
}
