package io.trunkline.sip.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hears the ICMP port and host unreachable that answer a request sent to a dead UDP peer. Linux
 * reports ICMP errors only on connected UDP sockets, and the listening socket is not connected; so
 * for each peer a request is sent to, a socket bound to the listening address and connected to the
 * peer is kept open beside it (SO_REUSEADDR). The kernel hands that socket both the peer's packets
 * (which go through the same pipeline as the listener's) and the ICMP errors about packets sent to
 * the peer from the listening socket, which Netty raises as exceptions. The requests themselves
 * still leave from the listening socket, and so do the answers to what these sockets read: one may
 * hold an ICMP error that would fail a write, or be closed before the answer is ready.
 *
 * <p>At most {@link #MAX_PEERS} peers are watched, the least recently used given up first: a trunk
 * talks to a few carriers, and to phones only while it calls them.
 */
final class UdpPeerWatch implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(UdpPeerWatch.class.getName());

  static final int MAX_PEERS = 256;

  /**
   * An ICMP error answers within a round trip; older sends are not what it is about. Which of the
   * recent ones it answers the socket does not say, so all of them fail: a refusal read late (its
   * event loop busy) also fails a send made after the refused one, which may have arrived, and that
   * call fails over. A carrier refusing, then listening again within that moment, is rare.
   */
  private static final long RECENT_NANOS = 2_000_000_000L;

  private final Bootstrap flows;
  private final boolean epoll;
  private final InetSocketAddress local;
  private final ChannelHandler[] pipeline;
  private final Map<InetSocketAddress, Peer> peers = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  private record Pending(long sentAt, Runnable unreachable) {}

  private final class Peer {
    final ChannelFuture flow;
    final Deque<Pending> pending = new ArrayDeque<>();

    Peer(ChannelFuture flow) {
      this.flow = flow;
    }
  }

  /**
   * @param flows a bootstrap for UDP channels with the listener's options and SO_REUSEADDR
   * @param local the listening socket's address
   * @param pipeline the listener's (sharable) handlers, for the peer's packets
   */
  UdpPeerWatch(Bootstrap flows, InetSocketAddress local, ChannelHandler... pipeline) {
    // Level-triggered: a connected socket can hold a refusal ahead of a datagram (any sender's, in
    // the moment between its bind and its connect). Netty's read stops at the error, and
    // edge-triggered epoll would not report the datagram behind it until another one came: a
    // request lost, found as a torture test's unanswered message on a pod probing a dead carrier.
    this.epoll = flows.config().group() instanceof EpollEventLoopGroup;
    this.flows =
        epoll
            ? flows.clone().option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
            : flows;
    this.local = local;
    this.pipeline = pipeline.clone();
  }

  /**
   * Watches {@code peer} for a refusal of what is sent now, then runs {@code send} once the watch
   * is in place (at once when it already is), so that even the first request's refusal is heard.
   */
  void sendWatched(InetSocketAddress peer, Runnable unreachable, Runnable send) {
    List<Channel> evicted = new ArrayList<>();
    Peer watched = watch(peer, unreachable, evicted);
    evicted.forEach(Channel::close);
    if (watched == null || watched.flow.isDone()) {
      // The usual case: the peer is watched already; a listener would hop to its event loop.
      // Or the watch is closing with its server, and opens no socket on loops about to stop.
      send.run();
    } else {
      watched.flow.addListener(connected -> send.run());
    }
  }

  /** The peer's watch, opened if need be, with this send pending on it; null once closed. */
  private synchronized Peer watch(
      InetSocketAddress peer, Runnable unreachable, List<Channel> evicted) {
    if (closed) {
      return null;
    }
    Peer watched = peers.get(peer);
    if (watched == null) {
      watched = new Peer(open(peer));
      peers.put(peer, watched);
      while (peers.size() > MAX_PEERS) {
        Iterator<Peer> eldest = peers.values().iterator();
        evicted.add(eldest.next().flow.channel());
        eldest.remove();
      }
    }
    long now = System.nanoTime();
    while (!watched.pending.isEmpty() && now - watched.pending.peek().sentAt() > RECENT_NANOS) {
      watched.pending.poll();
    }
    watched.pending.add(new Pending(now, unreachable));
    return watched;
  }

  /**
   * A socket bound to the listening address and connected to {@code peer}, done once it is both.
   *
   * <p>Of the sockets sharing the listening port, the kernel hands a datagram to the newest that
   * matches it, so in the moment between its bind and its connect this socket takes datagrams of
   * any sender. Netty reads a channel it connected with read(2), and names the peer as the sender
   * of all it reads: such a datagram, a phone's REGISTER say, would be answered to the peer. So on
   * epoll the socket is connected in the kernel alone: Netty, which takes the channel for an
   * unconnected one, reads it with recvmsg(2), which names each datagram's own sender. Once
   * connected, the kernel gives the socket only the peer's datagrams and the ICMP errors about it,
   * which recvmsg(2) fails with and Netty raises as an IOException, all that a refusal needs. NIO
   * reads its connected channels with recvfrom(2), which names the sender too.
   */
  private ChannelFuture open(InetSocketAddress peer) {
    Bootstrap flow = flows.clone().localAddress(local).handler(flowPipeline(peer));
    if (!epoll) {
      return flow.connect(peer);
    }
    ChannelFuture bound = flow.bind();
    ChannelPromise connected = bound.channel().newPromise();
    bound.addListener(
        done -> {
          if (!done.isSuccess()) {
            connected.setFailure(done.cause());
            return;
          }
          try {
            ((Socket) ((UnixChannel) bound.channel()).fd()).connect(peer);
            connected.setSuccess();
          } catch (IOException e) {
            connected.setFailure(e);
          }
        });
    return connected;
  }

  private void refused(InetSocketAddress peer, Throwable cause) {
    List<Pending> recent;
    synchronized (this) {
      Peer watched = peers.get(peer);
      if (watched == null) {
        return;
      }
      recent = new ArrayList<>(watched.pending);
      watched.pending.clear();
    }
    LOG.log(System.Logger.Level.DEBUG, "{0} refused over UDP: {1}", peer, cause.toString());
    long now = System.nanoTime();
    recent.stream()
        .filter(p -> now - p.sentAt() <= RECENT_NANOS)
        .forEach(p -> p.unreachable().run());
  }

  @Override
  public synchronized void close() {
    closed = true;
    peers.values().forEach(p -> p.flow.channel().close());
    peers.clear();
  }

  /** A handler that turns the flow's socket errors into refusals, then the listener's. */
  private ChannelInitializer<Channel> flowPipeline(InetSocketAddress peer) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        channel
            .pipeline()
            .addLast(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    // PortUnreachableException, or an IOException for host unreachable: the
                    // channel stays open for the peer's next life.
                    if (cause instanceof IOException) {
                      refused(peer, cause);
                    } else {
                      ctx.fireExceptionCaught(cause);
                    }
                  }
                })
            .addLast(pipeline);
      }
    };
  }
}
