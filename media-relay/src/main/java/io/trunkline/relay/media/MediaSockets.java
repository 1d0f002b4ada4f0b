package io.trunkline.relay.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.trunkline.relay.port.PortAllocator;
import io.trunkline.relay.port.PortPair;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Binds the media sockets of a leg: a pair from the allocator, RTP and RTCP, marked with the
 * trunk's DSCP. The sockets start with reading off; the session turns it on once its handlers are
 * in place, so no packet arrives at a half-built session.
 */
public final class MediaSockets {

  /** A bound leg: the pair and its two open, not yet reading, sockets. */
  public record BoundPair(PortPair ports, Channel rtp, Channel rtcp) {}

  /** Pairs tried per leg before giving up when another process holds ports of our range. */
  static final int MAX_BIND_ATTEMPTS = 8;

  /**
   * Room for bursts while the loop serves other legs: 1 MiB holds about 5000 G.711 packets. The
   * kernel caps it at net.core.rmem_max.
   */
  private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  /**
   * Audio queued behind a full socket buffer is late audio: past 16 KiB (some 90 G.711 packets) the
   * handler drops instead of queueing more.
   */
  private static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(8 << 10, 16 << 10);

  private static final long BIND_TIMEOUT_SECONDS = 5;

  private static final ChannelInitializer<Channel> NOTHING_YET =
      new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
          // the session adds its MediaHandler before it turns reading on
        }
      };

  private final Class<? extends DatagramChannel> channelType;
  private final InetAddress bindAddress;
  private final int tos;
  private final PortAllocator allocator;

  /**
   * @param epoll whether the loops are Netty's native epoll loops
   * @param dscp DSCP of every media packet, 0-63 (EF = 46 by default, RFC 3246, RFC 4594 §4.2)
   */
  public MediaSockets(boolean epoll, InetAddress bindAddress, int dscp, PortAllocator allocator) {
    this.channelType = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    this.bindAddress = bindAddress;
    // DSCP is the upper six bits of the old TOS byte (RFC 2474 §3).
    this.tos = dscp << 2;
    this.allocator = allocator;
  }

  /**
   * Binds a pair on {@code loop}. A pair the system refuses (another process holds one of its
   * ports) goes back to the allocator and the next one is tried.
   *
   * <p>Blocks until the binds complete: call it from the control thread, never from an event loop.
   */
  public BoundPair bind(EventLoop loop) throws MediaUnavailableException, InterruptedException {
    Throwable lastFailure = null;
    for (int attempt = 0; attempt < MAX_BIND_ATTEMPTS; attempt++) {
      Optional<PortPair> allocated = allocator.allocate();
      if (allocated.isEmpty()) {
        if (lastFailure == null) {
          throw new MediaUnavailableException(
              MediaUnavailableException.Reason.PORTS_EXHAUSTED,
              "all " + allocator.capacity() + " port pairs are in use");
        }
        break;
      }
      PortPair pair = allocated.get();
      ChannelFuture rtp = bootstrap(loop).bind(new InetSocketAddress(bindAddress, pair.rtp()));
      ChannelFuture rtcp = bootstrap(loop).bind(new InetSocketAddress(bindAddress, pair.rtcp()));
      boolean rtpDone = rtp.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      boolean rtcpDone = rtcp.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (rtpDone && rtcpDone && rtp.isSuccess() && rtcp.isSuccess()) {
        return new BoundPair(pair, rtp.channel(), rtcp.channel());
      }
      lastFailure = rtp.cause() != null ? rtp.cause() : rtcp.cause();
      rtp.channel().close().await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      rtcp.channel().close().await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      allocator.release(pair);
    }
    throw new MediaUnavailableException(
        MediaUnavailableException.Reason.BIND_FAILED,
        "could not bind a port pair on " + bindAddress.getHostAddress() + ": " + lastFailure);
  }

  private Bootstrap bootstrap(EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channel(channelType)
        .option(ChannelOption.IP_TOS, tos)
        .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.AUTO_READ, false)
        .handler(NOTHING_YET);
  }
}
