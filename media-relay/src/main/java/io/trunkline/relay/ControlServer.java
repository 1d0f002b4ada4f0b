package io.trunkline.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.trunkline.relay.control.ControlCodec;
import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.ControlReply;
import io.trunkline.relay.control.ControlRequest;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.Decoded;
import io.trunkline.relay.ops.RelayMetrics;
import io.trunkline.relay.session.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's end of the control protocol: one UDP socket, datagrams handed from the event loop to
 * the single control thread, replies sent to the datagram's source.
 *
 * <p>Only requests signed with the trunk's key and fresh are acted on ({@link ControlSigner}); the
 * rest are dropped on the event loop, before they can fill the control queue, and without a reply,
 * which would tell a scanner that something listens. Replies are signed too.
 *
 * <p>A retransmitted request (the same datagram, so the same MAC) gets the reply the first one got,
 * from a short-lived cache, so a delete whose reply was lost still returns the statistics (the same
 * idea as rtpengine's ng protocol cookies). Keyed by the MAC rather than by the source, the cache
 * also answers a captured request replayed from elsewhere without acting on it again, for as long
 * as the request is fresh.
 */
public final class ControlServer implements AutoCloseable {

  /** Requests waiting for the control thread; beyond this they are dropped and retransmitted. */
  static final int MAX_QUEUED_REQUESTS = 1024;

  /**
   * Longer than any client's retransmission window, so a retransmission finds its reply; and as
   * long as a request stays fresh (twice {@link ControlSigner#FRESHNESS}), so a replay finds it
   * too.
   */
  static final Duration REPLY_RETENTION = Duration.ofSeconds(30);

  static final int MAX_CACHED_REPLIES = 16_384;

  private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

  private final Channel channel;

  private ControlServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Binds the control socket.
   *
   * @param controlThread the single thread that runs {@code handler}
   */
  public static ControlServer start(
      InetSocketAddress address,
      EventLoopGroup group,
      boolean epoll,
      Executor controlThread,
      ControlRequestHandler handler,
      ControlSigner signer,
      RelayMetrics metrics,
      Ticker ticker)
      throws InterruptedException {
    ControlCodec codec = new ControlCodec();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            // One byte more than the limit, so that an oversized datagram is seen as such
            // rather than silently cut to a size that might parse.
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(
                    ControlSigner.MAX_SIGNATURE_BYTES + codec.maxDatagramBytes() + 1))
            .handler(new Inbound(codec, controlThread, handler, signer, metrics, ticker))
            .bind(address)
            .sync()
            .channel();
    return new ControlServer(channel);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  @ChannelHandler.Sharable
  private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {

    private record CachedReply(byte[] bytes, long sentNanos) {}

    private final ControlCodec codec;
    private final Executor controlThread;
    private final ControlRequestHandler handler;
    private final ControlSigner signer;
    private final RelayMetrics metrics;
    private final Ticker ticker;
    private final AtomicInteger queued = new AtomicInteger();

    /** Replies by the MAC of the request they answer; touched on the control thread only. */
    private final LinkedHashMap<String, CachedReply> replies = new LinkedHashMap<>();

    Inbound(
        ControlCodec codec,
        Executor controlThread,
        ControlRequestHandler handler,
        ControlSigner signer,
        RelayMetrics metrics,
        Ticker ticker) {
      this.codec = codec;
      this.controlThread = controlThread;
      this.handler = handler;
      this.signer = signer;
      this.metrics = metrics;
      this.ticker = ticker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      byte[] datagram = ByteBufUtil.getBytes(packet.content());
      InetSocketAddress client = packet.sender();
      ControlSigner.Verification verification = signer.verifyRequest(datagram, 0, datagram.length);
      if (verification instanceof ControlSigner.Verification.Refused refusal) {
        metrics.refusedControl(refusal.refusal());
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "control datagram from " + client + " refused: " + refusal.problem());
        return;
      }
      ControlSigner.Verification.Authentic signed =
          (ControlSigner.Verification.Authentic) verification;
      if (queued.incrementAndGet() > MAX_QUEUED_REQUESTS) {
        queued.decrementAndGet();
        metrics.overloadedControl();
        return;
      }
      try {
        controlThread.execute(
            () -> {
              try {
                answer(ctx.channel(), datagram, signed, client);
              } finally {
                queued.decrementAndGet();
              }
            });
      } catch (RejectedExecutionException shuttingDown) {
        queued.decrementAndGet();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.log(System.Logger.Level.DEBUG, () -> "control socket: " + cause);
    }

    private void answer(
        Channel channel,
        byte[] datagram,
        ControlSigner.Verification.Authentic signed,
        InetSocketAddress client) {
      Decoded<ControlRequest> decoded =
          codec.decodeRequest(datagram, signed.offset(), signed.length());
      if (decoded instanceof Decoded.Invalid<ControlRequest> invalid) {
        LOG.log(
            System.Logger.Level.DEBUG,
            () -> "malformed control datagram from " + client + ": " + invalid.problem());
        if (invalid.cookie() == null) {
          metrics.malformedControl();
          return;
        }
        send(
            channel,
            client,
            signer.signReply(
                codec.encode(
                    new ControlReply.Error(
                        invalid.cookie(), ControlError.MALFORMED, invalid.problem()))));
        return;
      }
      ControlRequest request = ((Decoded.Valid<ControlRequest>) decoded).message();
      long now = ticker.nanos();
      expire(now);
      CachedReply cached = replies.get(signed.mac());
      if (cached != null) {
        send(channel, client, cached.bytes());
        return;
      }
      byte[] reply;
      try {
        reply = signer.signReply(codec.encode(handler.handle(request)));
      } catch (RuntimeException e) {
        // A bug must not take the control thread down; the client times out and tries elsewhere.
        LOG.log(System.Logger.Level.ERROR, "control request " + request + " failed", e);
        return;
      }
      if (!request.op().readOnly()) {
        replies.put(signed.mac(), new CachedReply(reply, now));
      }
      send(channel, client, reply);
    }

    private void expire(long now) {
      long retention = REPLY_RETENTION.toNanos();
      Iterator<Map.Entry<String, CachedReply>> oldestFirst = replies.entrySet().iterator();
      while (oldestFirst.hasNext()) {
        Map.Entry<String, CachedReply> entry = oldestFirst.next();
        if (replies.size() < MAX_CACHED_REPLIES && now - entry.getValue().sentNanos() < retention) {
          return;
        }
        oldestFirst.remove();
      }
    }

    private static void send(Channel channel, InetSocketAddress client, byte[] reply) {
      channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), client));
    }
  }
}
