package io.trunkline.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;

/**
 * Takes framed messages from every transport to their call's worker ({@link CallWorkers}), parses
 * them there, and hands the result on: a message to the proxy, a malformed request's 400 back to
 * its sender the way every response goes (RFC 3261 §8.2.6, {@link SipSender#reply}), anything else
 * to the drop counter. One failed exchange never takes a socket down for others.
 */
@Sharable
final class SipInboundHandler extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(SipInboundHandler.class.getName());
  private static final byte[] PONG = {'\r', '\n'};

  private final SipParser parser;
  private final TransportStats stats;
  private final CallWorkers workers;
  private final SipMessageHandler handler;
  private final SipSender sender;

  SipInboundHandler(
      SipParser parser,
      TransportStats stats,
      CallWorkers workers,
      SipMessageHandler handler,
      SipSender sender) {
    this.parser = parser;
    this.stats = stats;
    this.workers = workers;
    this.handler = handler;
    this.sender = sender;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof SipFrame frame) {
      workers.byHash(frame.callIdHash()).execute(() -> process(frame));
    } else if (message == StreamPing.INSTANCE) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG));
    } else {
      ctx.fireChannelRead(message);
    }
  }

  private void process(SipFrame frame) {
    ParseResult result = parser.parse(frame.bytes());
    if (result instanceof ParseResult.Parsed parsed) {
      stats.received();
      InboundMessage inbound =
          new InboundMessage(
              parsed.message(), frame.transport(), frame.remote(), frame.local(), frame.channel());
      try {
        handler.handle(inbound);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "SIP handling failed for Call-ID " + parsed.message().getCallId(),
            e);
      }
    } else if (result instanceof ParseResult.Malformed malformed) {
      stats.malformed(malformed.badRequest().isPresent());
      // Answered as every response is, not on the channel that read it: a datagram may have come
      // through a peer watch's socket (UdpPeerWatch), whose pending ICMP error would fail the
      // write, or which may be closed by then; the listener has neither.
      malformed
          .badRequest()
          .ifPresent(
              reply ->
                  sender.reply(
                      new InboundMessage(
                          null, frame.transport(), frame.remote(), frame.local(), frame.channel()),
                      reply));
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
