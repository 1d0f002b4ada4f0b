package io.trunkline.sip.transport;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.trunkline.sip.message.SipEncoder;
import io.trunkline.sip.message.SipParser;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * SIP over UDP, TCP and TLS (RFC 3261 §18, §26.2), on Netty's native epoll transport where the
 * platform has it. UDP and TCP share one address and port (§18.2.1); TLS listens on its own port
 * when a certificate is configured, and takes a renewed one for new connections when its files
 * change ({@link ListenerCertificate}); the TLS connections it opens check the peer's name, and
 * trust the carriers' CA bundle as its file changes ({@link OutboundTls}). Every signalling packet
 * carries the configured DSCP.
 */
public final class SipServer implements SipSender, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SipServer.class.getName());

  /** A connection nobody used for this long is closed; phones keep theirs open with pings. */
  private static final int STREAM_IDLE_SECONDS = 600;

  private static final int CERTIFICATE_CHECK_SECONDS = 1;

  private final EventLoopGroup group;
  private final boolean epoll;
  private final TransportStats stats = new TransportStats();
  private final SipParser parser = new SipParser();
  private final Map<StreamKey, Channel> streams = new ConcurrentHashMap<>();
  private final StreamTracker tracker = new StreamTracker();
  private final int tos;
  private final CallWorkers workers;
  private final ListenerCertificate certificate;
  private final OutboundTls outboundTls;
  private ScheduledFuture<?> certificateWatch;
  private ScheduledFuture<?> carrierAnchorsWatch;
  private SipInboundHandler inbound;
  private volatile boolean closed;
  private UdpSockets udp;
  private Channel tcp;
  private Channel tls;

  /**
   * Where to listen and how to mark packets.
   *
   * @param tls the TLS listener's certificate and port, or null for none
   * @param carrierAnchors a PEM bundle of trust anchors for the TLS connections the proxy opens,
   *     beside the JDK's, or null for the JDK's alone
   */
  public record Settings(InetSocketAddress address, int dscp, TlsFiles tls, File carrierAnchors) {
    public static Settings plain(InetSocketAddress address, int dscp) {
      return new Settings(address, dscp, null, null);
    }
  }

  /** A PEM certificate chain and key for SIPS, and the port to accept TLS on (5061 by default). */
  public record TlsFiles(int port, File certificateChain, File privateKey) {}

  private record StreamKey(Transport transport, InetSocketAddress remote) {}

  private SipServer(Settings settings) {
    this.epoll = Epoll.isAvailable();
    this.group = epoll ? new EpollEventLoopGroup() : new NioEventLoopGroup();
    this.tos = settings.dscp() << 2;
    this.workers = CallWorkers.perCore();
    this.certificate =
        settings.tls() == null ? null : ListenerCertificate.load(settings.tls(), stats);
    this.outboundTls = OutboundTls.trusting(settings.carrierAnchors(), stats);
  }

  /**
   * Binds the listeners and starts handing messages to the handler {@code handlers} builds with
   * this server as its sender and its call workers, on which every message is handled.
   */
  public static SipServer start(
      Settings settings, BiFunction<SipSender, CallWorkers, SipMessageHandler> handlers)
      throws InterruptedException {
    SipServer server = new SipServer(settings);
    try {
      server.bind(settings, handlers.apply(server, server.workers));
      return server;
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void bind(Settings settings, SipMessageHandler handler) throws InterruptedException {
    inbound = new SipInboundHandler(parser, stats, workers, handler, this);
    SipDatagramDecoder datagrams = new SipDatagramDecoder(stats);
    Bootstrap datagramSockets =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.IP_TOS, tos)
            // Room for a burst of a busy trunk while the workers catch up (the kernel caps it at
            // net.core.rmem_max).
            .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
            // Netty reads 2 KiB datagrams by default; SIP over UDP may fill one (RFC 3261 §18.1.1).
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(SipParser.DEFAULT_MAX_MESSAGE_BYTES))
            // The peer watch binds connected sockets beside the listener's (UdpPeerWatch).
            .option(ChannelOption.SO_REUSEADDR, true);
    udp = UdpSockets.bind(datagramSockets, settings.address(), epoll, datagrams, inbound);
    tcp = listen(settings.address(), Transport.TCP);
    if (certificate != null) {
      tls =
          listen(
              new InetSocketAddress(settings.address().getAddress(), settings.tls().port()),
              Transport.TLS);
      // Off the event loops, which must not wait on file reads; a renewed Secret reaches the
      // pod's volume within the kubelet's sync period (about a minute), so a second is plenty.
      certificateWatch =
          GlobalEventExecutor.INSTANCE.scheduleWithFixedDelay(
              certificate::reloadIfChanged,
              CERTIFICATE_CHECK_SECONDS,
              CERTIFICATE_CHECK_SECONDS,
              TimeUnit.SECONDS);
    }
    if (outboundTls.followsBundle()) {
      carrierAnchorsWatch =
          GlobalEventExecutor.INSTANCE.scheduleWithFixedDelay(
              outboundTls::reloadIfChanged,
              CERTIFICATE_CHECK_SECONDS,
              CERTIFICATE_CHECK_SECONDS,
              TimeUnit.SECONDS);
    }
  }

  private Channel listen(InetSocketAddress address, Transport transport)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childOption(ChannelOption.IP_TOS, tos)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            streamInitializer(
                transport, channel -> certificate.current().newHandler(channel.alloc())))
        .bind(address)
        .sync()
        .channel();
  }

  /** {@code tls} makes the channel's TLS handler when {@code transport} is TLS. */
  private ChannelInitializer<SocketChannel> streamInitializer(
      Transport transport, Function<SocketChannel, SslHandler> tls) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        if (transport == Transport.TLS) {
          channel.pipeline().addLast(tls.apply(channel));
        }
        channel
            .pipeline()
            .addLast(
                new IdleStateHandler(0, 0, STREAM_IDLE_SECONDS),
                new SipStreamDecoder(
                    transport,
                    stats,
                    SipStreamDecoder.DEFAULT_MAX_HEADER_BYTES,
                    SipParser.DEFAULT_MAX_MESSAGE_BYTES),
                tracker,
                inbound);
      }
    };
  }

  @Override
  public void reply(InboundMessage request, byte[] response) {
    if (closed) {
      return;
    }
    if (request.transport() == Transport.UDP) {
      udp.send(request.remote(), response);
    } else if (request.channel().isActive()) {
      request.channel().writeAndFlush(Unpooled.wrappedBuffer(response));
    } else {
      // The connection is gone; RFC 3261 §18.2.2 has the response try a new one to the source.
      write(Transport.of(request.transport().name()), request.remote(), response, NOBODY);
    }
  }

  @Override
  public void send(SIPMessage message, Transport transport, InetSocketAddress destination) {
    write(transport, destination, SipEncoder.encode(message, transport.name()), NOBODY);
  }

  /**
   * Sends, and tells {@code unreachable} at once when the network refuses: a stream's connection
   * refused, or an ICMP port or host unreachable for a datagram ({@link UdpPeerWatch}).
   */
  @Override
  public void send(
      SIPMessage message,
      Transport transport,
      InetSocketAddress destination,
      Runnable unreachable) {
    write(transport, destination, SipEncoder.encode(message, transport.name()), unreachable);
  }

  private static final Runnable NOBODY = () -> {};

  private void write(
      Transport transport, InetSocketAddress destination, byte[] bytes, Runnable unreachable) {
    if (closed) {
      // A pod closes its server while the proxy's timers and probes may still send: once the
      // sockets and their event loops go, what they send is dropped, as a closed socket would.
      return;
    }
    if (transport == Transport.UDP && unreachable == NOBODY) {
      udp.send(destination, bytes);
      return;
    }
    if (transport == Transport.UDP) {
      udp.sendWatched(destination, bytes, unreachable);
      return;
    }
    Channel open = streams.get(new StreamKey(transport, destination));
    if (open != null && open.isActive()) {
      writeOrReport(open, bytes, unreachable);
      return;
    }
    new Bootstrap()
        .group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.IP_TOS, tos)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
        .handler(
            streamInitializer(
                transport, channel -> outboundTls.newHandler(channel.alloc(), destination)))
        .connect(destination)
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    if (transport == Transport.TLS) {
                      reportRefusal(connected.channel(), destination);
                    }
                    writeOrReport(connected.channel(), bytes, unreachable);
                  } else {
                    // A refused connection is an answer: the transaction fails over at once
                    // instead of waiting out its timers (§18.4: report a transport error).
                    LOG.log(
                        System.Logger.Level.DEBUG,
                        "no {0} connection to {1}: {2}",
                        transport,
                        destination,
                        connected.cause().toString());
                    unreachable.run();
                  }
                });
  }

  /**
   * A message a connection could not carry (reset, or a TLS handshake that failed, which fails the
   * writes waiting for it) is a transport error too (§18.4): the transaction fails over at once.
   */
  private static void writeOrReport(Channel channel, byte[] bytes, Runnable unreachable) {
    channel
        .writeAndFlush(Unpooled.wrappedBuffer(bytes))
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                unreachable.run();
              }
            });
  }

  /**
   * A peer whose certificate does not name it or does not chain to a trust anchor gets no message
   * (RFC 5922 §7.3): counted, and logged with the JDK's reason.
   */
  private void reportRefusal(Channel channel, InetSocketAddress destination) {
    channel
        .pipeline()
        .get(SslHandler.class)
        .handshakeFuture()
        .addListener(
            handshake -> {
              if (!handshake.isSuccess()) {
                stats.tlsRefused();
                LOG.log(
                    System.Logger.Level.WARNING,
                    "TLS to {0} refused: {1}",
                    destination,
                    handshake.cause().getMessage());
              }
            });
  }

  /** Remembers open connections by peer address so that requests to a peer reuse them (§18). */
  @Sharable
  private final class StreamTracker extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      streams.put(key(ctx.channel()), ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      streams.remove(key(ctx.channel()), ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(event);
      }
    }

    private StreamKey key(Channel channel) {
      Transport transport =
          channel.pipeline().get(SslHandler.class) != null ? Transport.TLS : Transport.TCP;
      return new StreamKey(transport, (InetSocketAddress) channel.remoteAddress());
    }
  }

  public InetSocketAddress udpAddress() {
    return udp.localAddress();
  }

  public InetSocketAddress tcpAddress() {
    return (InetSocketAddress) tcp.localAddress();
  }

  /** The TLS listener's address, or null without TLS. */
  public InetSocketAddress tlsAddress() {
    return tls == null ? null : (InetSocketAddress) tls.localAddress();
  }

  public TransportStats stats() {
    return stats;
  }

  @Override
  public void close() {
    if (certificateWatch != null) {
      certificateWatch.cancel(false);
    }
    if (carrierAnchorsWatch != null) {
      carrierAnchorsWatch.cancel(false);
    }
    if (udp != null) {
      udp.close();
    }
    for (Channel channel : new Channel[] {tcp, tls}) {
      if (channel != null) {
        channel.close().syncUninterruptibly();
      }
    }
    streams.values().forEach(Channel::close);
    // Only now, with every socket closed: until then a response may still leave.
    closed = true;
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.close();
  }
}
