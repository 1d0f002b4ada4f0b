package io.trunkline.relay.control;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The proxy's end of the relay control protocol, for one relay. Every call returns at once with a
 * future; the request is retransmitted with the same cookie until a reply comes or the attempts run
 * out (then {@link ControlError#TIMEOUT}), so nothing blocks and a lost datagram costs one
 * retransmission interval, not a call.
 *
 * <p>Futures complete on the client's event loop: chain non-blocking work only, or use the {@code
 * *Async} variants. Refusals and timeouts complete them exceptionally with a {@link RelayException}
 * whose {@link RelayException#error()} says what to do: {@code PORTS_EXHAUSTED} and {@code
 * MAX_SESSIONS} call for another relay or a 503, {@code TIMEOUT} and {@code UNREACHABLE} for taking
 * the relay out of rotation.
 *
 * <p>The socket is connected to the relay, so the kernel drops datagrams from anyone else and an
 * ICMP port unreachable from a dead relay fails the outstanding requests at once. Requests are
 * signed and replies checked with the trunk's key ({@link ControlSigner}, by its {@link
 * ReplyReader}): a reply that fails the check is dropped, whoever forged it, so it cannot steer
 * media or fail a call; the request goes on waiting for the relay's own reply.
 */
public final class RelayClient implements AutoCloseable {

  /** Loopback and LAN round trips are well under a millisecond; 250 ms is a lost datagram. */
  public static final Duration DEFAULT_RETRANSMIT_INTERVAL = Duration.ofMillis(250);

  /** With the default interval, a relay that does not answer is given up after one second. */
  public static final int DEFAULT_ATTEMPTS = 4;

  private final InetSocketAddress relay;
  private final Channel channel;
  private final EventLoopGroup ownGroup;
  private final long retransmitNanos;
  private final int attempts;
  private final ControlCodec codec = new ControlCodec();
  private final ControlSigner signer;
  private final Map<String, Pending<?>> pending = new ConcurrentHashMap<>();
  private final String cookiePrefix = Integer.toHexString(ThreadLocalRandom.current().nextInt());
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RelayClient(
      InetSocketAddress relay,
      EventLoopGroup group,
      EventLoopGroup ownGroup,
      Duration retransmitInterval,
      int attempts,
      ControlSigner signer)
      throws InterruptedException {
    if (attempts < 1 || retransmitInterval.isNegative() || retransmitInterval.isZero()) {
      throw new IllegalArgumentException(
          "need at least one attempt and a positive interval: "
              + attempts
              + ", "
              + retransmitInterval);
    }
    this.relay = relay;
    this.ownGroup = ownGroup;
    this.retransmitNanos = retransmitInterval.toNanos();
    this.attempts = attempts;
    this.signer = signer;
    boolean epoll = Epoll.isAvailable() && group instanceof EpollEventLoopGroup;
    this.channel =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            // Netty reads 2048 bytes of a datagram by default; a list of silent sessions may
            // fill the protocol's whole datagram, and a cut one would fail its signature.
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(
                    ControlSigner.MAX_SIGNATURE_BYTES + codec.maxDatagramBytes()))
            .handler(new ReplyReader(relay, signer, codec, new Answers()))
            .connect(relay)
            .sync()
            .channel();
  }

  /**
   * A client on its own one-thread event loop, with the default retransmission.
   *
   * @param signer signs requests and checks replies with the key the relay holds
   */
  public static RelayClient open(InetSocketAddress relay, ControlSigner signer)
      throws InterruptedException {
    DefaultThreadFactory threads = new DefaultThreadFactory("relay-client");
    EventLoopGroup group =
        Epoll.isAvailable()
            ? new EpollEventLoopGroup(1, threads)
            : new NioEventLoopGroup(1, threads);
    try {
      return new RelayClient(
          relay, group, group, DEFAULT_RETRANSMIT_INTERVAL, DEFAULT_ATTEMPTS, signer);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * A client on the caller's event loops (the proxy's, say), which it does not shut down. Call it
   * outside an event loop: it waits for the socket to be bound.
   *
   * @param retransmitInterval time between sends of one request
   * @param attempts sends of one request before it fails with {@link ControlError#TIMEOUT}
   * @param signer signs requests and checks replies with the key the relay holds
   */
  public static RelayClient open(
      InetSocketAddress relay,
      EventLoopGroup group,
      Duration retransmitInterval,
      int attempts,
      ControlSigner signer)
      throws InterruptedException {
    return new RelayClient(relay, group, null, retransmitInterval, attempts, signer);
  }

  public InetSocketAddress relay() {
    return relay;
  }

  /**
   * Anchors a new call's media, or repeats a known one's answer (same ports) when the Call-ID and
   * tag are known: a retransmitted INVITE or a re-INVITE.
   *
   * @param fromTag the From tag of the request carrying the offer
   * @param offererMedia where the offerer receives, from its SDP ({@code c=}, {@code m=}, {@code
   *     a=rtcp})
   * @return the relay's address and ports to write into the SDP forwarded to the answerer
   */
  public CompletableFuture<MediaEndpoint> offer(
      String callId, String fromTag, MediaEndpoint offererMedia) {
    return send(
        new ControlRequest.Offer(cookie(), callId, fromTag, offererMedia),
        ControlReply.Media.class,
        ControlReply.Media::relay);
  }

  /**
   * Completes a call's media with the answer.
   *
   * @param fromTag the offerer's tag, as in the offer
   * @param toTag the answerer's tag
   * @param answererMedia where the answerer receives, from its SDP
   * @return the relay's address and ports to write into the SDP forwarded to the offerer
   */
  public CompletableFuture<MediaEndpoint> answer(
      String callId, String fromTag, String toTag, MediaEndpoint answererMedia) {
    return send(
        new ControlRequest.Answer(cookie(), callId, fromTag, toTag, answererMedia),
        ControlReply.Media.class,
        ControlReply.Media::relay);
  }

  /**
   * Ends a call's media and returns what each leg received, for the call record.
   *
   * @param tag either party's tag
   */
  public CompletableFuture<SessionReport> delete(String callId, String tag) {
    return send(
        new ControlRequest.Delete(cookie(), callId, tag),
        ControlReply.Statistics.class,
        ControlReply.Statistics::report);
  }

  /** The relay's zone and room, or a failure when it does not answer. */
  public CompletableFuture<RelayHealth> ping() {
    return send(
        new ControlRequest.Ping(cookie()), ControlReply.Pong.class, ControlReply.Pong::health);
  }

  /**
   * The Call-IDs of the relay's sessions that saw no packet either way, and no offer or answer, for
   * at least {@code silence}: the most recently silent first, as many as one reply holds. Every
   * session of the relay is listed, whichever proxy anchored it.
   */
  public CompletableFuture<List<String>> silent(Duration silence) {
    return send(
        new ControlRequest.Silent(cookie(), Math.toIntExact(silence.toSeconds())),
        ControlReply.Silent.class,
        ControlReply.Silent::callIds);
  }

  /**
   * Closes the socket; outstanding requests fail with {@link ControlError#UNREACHABLE}. Closing
   * again does nothing: the proxy's relay pool and its pod both close their clients on the way out,
   * and a second close would reach an event loop already shut down.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channel.close().syncUninterruptibly();
    failAll("client closed");
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private String cookie() {
    return cookiePrefix + "-" + Long.toString(sequence.incrementAndGet(), 36);
  }

  /**
   * Sends a request whose answer is a reply of type {@code expected}; any other reply fails the
   * future, with the relay's error when it sent one.
   */
  private <R extends ControlReply, T> CompletableFuture<T> send(
      ControlRequest request, Class<R> expected, Function<R, T> accept) {
    Function<ControlReply, T> answer =
        reply -> {
          if (expected.isInstance(reply)) {
            return accept.apply(expected.cast(reply));
          }
          throw unexpected(reply);
        };
    // Signed once: a retransmission is the same datagram, which the relay answers from its cache.
    Pending<T> outstanding =
        new Pending<>(request.cookie(), signer.signRequest(codec.encode(request)), answer);
    pending.put(request.cookie(), outstanding);
    if (!channel.isActive()) {
      pending.remove(request.cookie());
      outstanding.future.completeExceptionally(
          new RelayException(ControlError.UNREACHABLE, "client closed"));
      return outstanding.future;
    }
    outstanding.transmit();
    return outstanding.future;
  }

  private void failAll(String why) {
    for (Pending<?> request : List.copyOf(pending.values())) {
      if (pending.remove(request.cookie, request)) {
        request.fail(new RelayException(ControlError.UNREACHABLE, why));
      }
    }
  }

  private static RelayException unexpected(ControlReply reply) {
    if (reply instanceof ControlReply.Error error) {
      return new RelayException(error.error(), error.detail());
    }
    return new RelayException(ControlError.MALFORMED, "unexpected reply " + reply);
  }

  /** One outstanding request and its retransmission timer. */
  private final class Pending<T> {

    private final String cookie;
    private final byte[] datagram;
    private final Function<ControlReply, T> accept;
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private int sent;
    private ScheduledFuture<?> timer;

    Pending(String cookie, byte[] datagram, Function<ControlReply, T> accept) {
      this.cookie = cookie;
      this.datagram = datagram;
      this.accept = accept;
    }

    /** Sends once and arms the timer; runs on the channel's loop so the count needs no lock. */
    void transmit() {
      channel
          .eventLoop()
          .execute(
              () -> {
                if (pending.get(cookie) != this) {
                  return;
                }
                sent++;
                channel.writeAndFlush(Unpooled.wrappedBuffer(datagram));
                timer =
                    channel
                        .eventLoop()
                        .schedule(this::expired, retransmitNanos, TimeUnit.NANOSECONDS);
              });
    }

    private void expired() {
      if (pending.get(cookie) != this) {
        return;
      }
      if (sent < attempts) {
        transmit();
        return;
      }
      if (pending.remove(cookie, this)) {
        fail(
            new RelayException(
                ControlError.TIMEOUT,
                "no reply from " + relay + " after " + attempts + " attempts"));
      }
    }

    void complete(ControlReply reply) {
      cancelTimer();
      try {
        future.complete(accept.apply(reply));
      } catch (RelayException e) {
        future.completeExceptionally(e);
      }
    }

    void fail(RelayException e) {
      cancelTimer();
      future.completeExceptionally(e);
    }

    private void cancelTimer() {
      ScheduledFuture<?> armed = timer;
      if (armed != null) {
        armed.cancel(false);
      }
    }
  }

  /** Ends the requests the relay's replies answer. */
  private final class Answers implements ReplyReader.Replies {
    @Override
    public void reply(ControlReply reply) {
      Pending<?> request = pending.remove(reply.cookie());
      if (request != null) {
        request.complete(reply);
      }
    }

    @Override
    public void unreadable(String cookie, String problem) {
      Pending<?> request = cookie == null ? null : pending.remove(cookie);
      if (request != null) {
        request.fail(new RelayException(ControlError.MALFORMED, problem));
      }
    }

    @Override
    public void unreachable(String why) {
      failAll(why);
    }
  }
}
