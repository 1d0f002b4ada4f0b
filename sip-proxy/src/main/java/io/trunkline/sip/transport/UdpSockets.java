package io.trunkline.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * SIP's UDP sockets: the listener, and beside it an IPv6 socket on the same port when the listener
 * is bound to one IPv4 address, each with its {@link UdpPeerWatch}. A socket bound to one IPv4
 * address cannot send to an IPv6 peer (the kernel refuses the family), while one bound to the
 * wildcard is dual-stack and reaches both, IPv4 peers under their IPv4-mapped addresses. The IPv6
 * socket takes IPv6 only (IPV6_V6ONLY), so it hears none of the IPv4 traffic meant for the host's
 * other addresses; on the listener's port it hears what an IPv6 carrier answers, since responses go
 * to the source address and the port the Via names (RFC 3261 §18.2.2).
 */
final class UdpSockets implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(UdpSockets.class.getName());

  /** IPPROTO_IPV6 and IPV6_V6ONLY of Linux's {@code <netinet/in.h>}; epoll runs on Linux only. */
  private static final ChannelOption<Integer> IPV6_V6ONLY =
      new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

  private record Socket(Channel channel, UdpPeerWatch watch) {}

  private final Socket listener;

  /** Null when the listener reaches IPv6 peers itself, or the host has no IPv6. */
  private final Socket ipv6;

  private UdpSockets(Socket listener, Socket ipv6) {
    this.listener = listener;
    this.ipv6 = ipv6;
  }

  /**
   * Binds the listener to {@code address}, and the IPv6 socket beside it when needed.
   *
   * @param sockets a bootstrap with the listener's group, channel class, options and SO_REUSEADDR
   * @param epoll whether {@code sockets} makes epoll channels, which alone take IPV6_V6ONLY
   * @param pipeline the (sharable) handlers every socket hands its datagrams to
   */
  static UdpSockets bind(
      Bootstrap sockets, InetSocketAddress address, boolean epoll, ChannelHandler... pipeline)
      throws InterruptedException {
    Socket listener = socket(sockets, open(sockets, address, pipeline).sync().channel(), pipeline);
    InetAddress host = address.getAddress();
    if (!epoll || !(host instanceof Inet4Address) || host.isAnyLocalAddress()) {
      return new UdpSockets(listener, null);
    }
    Bootstrap ipv6Only = sockets.clone().option(IPV6_V6ONLY, 1);
    InetSocketAddress ipv6Any =
        new InetSocketAddress(
            "::", ((InetSocketAddress) listener.channel().localAddress()).getPort());
    ChannelFuture bound = open(ipv6Only, ipv6Any, pipeline).await();
    if (!bound.isSuccess()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "no IPv6 socket beside {0} ({1}): carriers at IPv6 addresses are out of reach over UDP",
          address,
          bound.cause().toString());
      return new UdpSockets(listener, null);
    }
    return new UdpSockets(listener, socket(ipv6Only, bound.channel(), pipeline));
  }

  private static ChannelFuture open(
      Bootstrap sockets, InetSocketAddress address, ChannelHandler... pipeline) {
    return sockets
        .clone()
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                channel.pipeline().addLast(pipeline);
              }
            })
        .bind(address);
  }

  private static Socket socket(Bootstrap sockets, Channel channel, ChannelHandler... pipeline) {
    return new Socket(
        channel, new UdpPeerWatch(sockets, (InetSocketAddress) channel.localAddress(), pipeline));
  }

  /** The listener's address. */
  InetSocketAddress localAddress() {
    return (InetSocketAddress) listener.channel().localAddress();
  }

  /** Sends {@code bytes} to {@code peer} from the socket of its address family. */
  void send(InetSocketAddress peer, byte[] bytes) {
    towards(peer).channel().writeAndFlush(packet(peer, bytes));
  }

  /**
   * Sends, and runs {@code unreachable} when the peer refuses (an ICMP error, {@link UdpPeerWatch})
   * or when no socket here can send to its address family.
   */
  void sendWatched(InetSocketAddress peer, byte[] bytes, Runnable unreachable) {
    Socket socket = towards(peer);
    // Sent whether or not the watch could be set up: it only adds hearing a refusal.
    socket
        .watch()
        .sendWatched(
            peer,
            unreachable,
            () -> {
              if (!socket.channel().isOpen()) {
                // Closed with its server while the watch was being set up: the event loops are
                // going too, and a listener on the failed write could not be told.
                return;
              }
              socket
                  .channel()
                  .writeAndFlush(packet(peer, bytes))
                  .addListener(
                      written -> {
                        if (!written.isSuccess()) {
                          unreachable.run();
                        }
                      });
            });
  }

  private Socket towards(InetSocketAddress peer) {
    return ipv6 != null && peer.getAddress() instanceof Inet6Address ? ipv6 : listener;
  }

  private static DatagramPacket packet(InetSocketAddress peer, byte[] bytes) {
    return new DatagramPacket(Unpooled.wrappedBuffer(bytes), peer);
  }

  @Override
  public void close() {
    for (Socket socket : ipv6 == null ? new Socket[] {listener} : new Socket[] {listener, ipv6}) {
      socket.watch().close();
      socket.channel().close().syncUninterruptibly();
    }
  }
}
