package io.trunkline.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.trunkline.sip.message.SipParser;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * SIP over UDP and TCP on one address and port (RFC 3261 §18.2.1), on Netty's native epoll
 * transport where the platform has it. Signalling packets carry the configured DSCP.
 */
public final class SipServer implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel udp;
  private final Channel tcp;
  private final TransportStats stats;

  private SipServer(EventLoopGroup group, Channel udp, Channel tcp, TransportStats stats) {
    this.group = group;
    this.udp = udp;
    this.tcp = tcp;
    this.stats = stats;
  }

  /**
   * Binds UDP and TCP on {@code address}.
   *
   * @param dscp DSCP of every signalling packet, 0-63 (CS3 = 24 by default, RFC 4594)
   */
  public static SipServer start(InetSocketAddress address, SipRequestHandler handler, int dscp)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group = epoll ? new EpollEventLoopGroup() : new NioEventLoopGroup();
    TransportStats stats = new TransportStats();
    SipParser parser = new SipParser();
    SipInboundHandler inbound = new SipInboundHandler(handler);
    SipDatagramDecoder datagrams = new SipDatagramDecoder(parser, stats);
    int tos = dscp << 2;
    try {
      Channel udp =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
              .option(ChannelOption.IP_TOS, tos)
              .handler(
                  new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                      channel.pipeline().addLast(datagrams, inbound);
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      Class<? extends ServerSocketChannel> serverChannel =
          epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
      Channel tcp =
          new ServerBootstrap()
              .group(group)
              .channel(serverChannel)
              .childOption(ChannelOption.IP_TOS, tos)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel
                          .pipeline()
                          .addLast(
                              new SipStreamDecoder(
                                  parser,
                                  stats,
                                  SipStreamDecoder.DEFAULT_MAX_HEADER_BYTES,
                                  SipParser.DEFAULT_MAX_MESSAGE_BYTES),
                              inbound);
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      return new SipServer(group, udp, tcp, stats);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  public InetSocketAddress udpAddress() {
    return (InetSocketAddress) udp.localAddress();
  }

  public InetSocketAddress tcpAddress() {
    return (InetSocketAddress) tcp.localAddress();
  }

  public TransportStats stats() {
    return stats;
  }

  @Override
  public void close() {
    udp.close().syncUninterruptibly();
    tcp.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
