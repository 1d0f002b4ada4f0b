package io.trunkline.relay.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.trunkline.relay.control.Component;
import io.trunkline.relay.ops.RelayMetrics;
import io.trunkline.relay.quality.RtpHeader;
import io.trunkline.relay.session.Leg;
import io.trunkline.relay.session.RelaySession;
import io.trunkline.relay.session.Ticker;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Relays what one leg's socket receives out of the other leg's socket of the same component: the
 * caller's RTP to the callee from the callee leg's RTP port, and so on, so each party sees media
 * coming from the port it sends to (symmetric RTP, RFC 4961). The received buffer is sent on as it
 * is, without a copy.
 *
 * <p>Writes are flushed when the read batch ends, so that a burst read in one wake-up leaves in one
 * {@code sendmmsg} on the native transport.
 */
public final class MediaHandler extends ChannelInboundHandlerAdapter {

  private static final System.Logger LOG = System.getLogger(MediaHandler.class.getName());

  private final RelaySession session;
  private final Leg from;
  private final Leg to;
  private final Component component;
  private final Ticker ticker;
  private final RelayMetrics metrics;
  private boolean unflushed;

  public MediaHandler(
      RelaySession session,
      Leg from,
      Leg to,
      Component component,
      Ticker ticker,
      RelayMetrics metrics) {
    this.session = session;
    this.from = from;
    this.to = to;
    this.component = component;
    this.ticker = ticker;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DatagramPacket packet = (DatagramPacket) msg;
    if (!from.admit(packet.sender(), component)) {
      metrics.dropped(RelayMetrics.Drop.SOURCE);
      packet.release();
      return;
    }
    ByteBuf content = packet.content();
    long now = ticker.nanos();
    session.touch(now);
    if (component == Component.RTP) {
      int length = content.readableBytes();
      Optional<RtpHeader> header = RtpHeader.read(content);
      if (header.isPresent()) {
        from.received(header.get(), length, now);
        metrics.received(length);
      }
    }
    InetSocketAddress peer = to.peer(component);
    Channel out = to.channel(component);
    if (peer == null) {
      metrics.dropped(RelayMetrics.Drop.NO_PEER);
      packet.release();
      return;
    }
    if (!out.isWritable()) {
      metrics.dropped(RelayMetrics.Drop.CONGESTED);
      packet.release();
      return;
    }
    out.write(new DatagramPacket(content, peer), out.voidPromise());
    unflushed = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      to.channel(component).flush();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed send or read of one datagram says nothing about the next: keep relaying.
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "media socket " + ctx.channel().localAddress() + " " + component + ": " + cause);
  }
}
