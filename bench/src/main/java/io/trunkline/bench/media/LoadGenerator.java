package io.trunkline.bench.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plays the phones of many G.711 calls: each caller and callee has its own RTP stream, sent at 50
 * packets a second to where the media path says, and counts what arrives. A few event loops carry
 * every socket; each loop paces its own calls from a 1 ms timer, so no thread hands packets to
 * another.
 *
 * <p>Phones share sockets, {@code phonesPerSocket} callers on one socket of the caller address and
 * their callees on one of the callee address: a socket's phones send in the same millisecond, so
 * their packets leave in one {@code sendmmsg} and the replies arrive in few {@code recvmmsg}. This
 * keeps the generator's cost per packet well below a relay's (which must read and write each packet
 * on the sockets of its call), while the relays still see one pair of ports per call leg. The
 * receiving socket tells its streams apart by SSRC. Sockets are spread over the 20 ms packet
 * interval, as independent phones would send, rather than all at once.
 */
final class LoadGenerator implements AutoCloseable {

  static final int PACKETS_PER_SECOND = 50;

  /**
   * Room for thousands of packets per socket while its loop is busy elsewhere (rmem_max caps it).
   */
  private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

  /** Datagrams read per recvmmsg. */
  private static final int DATAGRAMS_PER_READ = 64;

  private static final int MAX_DATAGRAM_BYTES = 2048;

  private static final long IO_TIMEOUT_SECONDS = 30;

  /** What one run of the calls delivered in its measured window. */
  record Outcome(
      long sent,
      long arrived,
      long duplicates,
      long foreign,
      int silentStreams,
      double achievedPerSecond,
      double maxLagMillis) {

    long lost() {
      return sent - arrived;
    }
  }

  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelType;
  private final boolean epoll;
  private final int phonesPerSocket;

  LoadGenerator(int threads, int phonesPerSocket) {
    if (phonesPerSocket < 1 || phonesPerSocket > PhoneSocket.MAX_PHONES_PER_SOCKET) {
      throw new IllegalArgumentException("phones per socket must be 1-65536: " + phonesPerSocket);
    }
    this.phonesPerSocket = phonesPerSocket;
    DefaultThreadFactory factory = new DefaultThreadFactory("phones");
    epoll = Epoll.isAvailable();
    if (epoll) {
      group = new EpollEventLoopGroup(threads, factory);
      channelType = EpollDatagramChannel.class;
    } else {
      group = new NioEventLoopGroup(threads, factory);
      channelType = NioDatagramChannel.class;
    }
  }

  String transport() {
    return channelType.getSimpleName();
  }

  /**
   * Binds the phone sockets of {@code count} calls on ephemeral ports of {@code callerHost} and
   * {@code calleeHost}; each pair of sockets (callers and their callees) lives on one loop, pairs
   * spread round-robin.
   *
   * @param packets packets each stream will send
   */
  List<Call> bind(
      String callIdPrefix, int count, int packets, InetAddress callerHost, InetAddress calleeHost)
      throws InterruptedException {
    List<Call> calls = new ArrayList<>(count);
    List<ChannelFuture> binds = new ArrayList<>();
    int salt = ThreadLocalRandom.current().nextInt() & ~(PhoneSocket.MAX_PHONES_PER_SOCKET - 1);
    PhoneSocket caller = null;
    PhoneSocket callee = null;
    for (int i = 0; i < count; i++) {
      if (i % phonesPerSocket == 0) {
        EventLoop loop = group.next();
        caller = new PhoneSocket(loop);
        callee = new PhoneSocket(loop);
        binds.add(bind(caller, callerHost));
        binds.add(bind(callee, calleeHost));
      }
      calls.add(new Call(callIdPrefix + i, caller, callee, packets, salt));
    }
    awaitAll(binds, "bind a phone socket");
    return calls;
  }

  /** Tells each stream where to send, from the routes of its call. */
  void route(List<Call> calls, List<MediaPath.Route> routes) {
    for (int i = 0; i < calls.size(); i++) {
      Call call = calls.get(i);
      MediaPath.Route route = routes.get(i);
      call.up.sendFrom(call.caller.channel, route.callerSendsTo());
      call.down.sendFrom(call.callee.channel, route.calleeSendsTo());
    }
  }

  /**
   * Sends {@code warmup} packets per stream, then {@code window} measured ones, waits {@code drain}
   * for stragglers and counts what arrived of the measured packets.
   */
  Outcome run(List<Call> calls, int warmup, int window, long drainMillis)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<EventLoop, Pacer> pacers = new LinkedHashMap<>();
    for (PhoneSocket socket : sockets(calls)) {
      pacers
          .computeIfAbsent(socket.loop, loop -> new Pacer(loop, warmup, warmup + window))
          .add(socket);
    }
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    List<Future<Void>> done = new ArrayList<>();
    for (Pacer pacer : pacers.values()) {
      done.add(pacer.start(start));
    }
    // A machine too busy to run the generator at all: stop sending after four times the plan; the
    // window then counts as sent at a fraction of the rate, and the step as not measured.
    long deadline = start + TimeUnit.MILLISECONDS.toNanos((warmup + window) * 20L) * 4;
    boolean stalled = false;
    for (Future<Void> finished : done) {
      if (!finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        stalled = true;
      }
    }
    if (stalled) {
      for (Pacer pacer : pacers.values()) {
        pacer.loop.submit(pacer::stop).await(IO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
    Thread.sleep(drainMillis);

    long windowNanos = 0;
    double maxLag = 0;
    for (Pacer pacer : pacers.values()) {
      windowNanos = Math.max(windowNanos, pacer.windowEndNanos - pacer.windowStartNanos);
      maxLag = Math.max(maxLag, pacer.maxLagNanos / 1e6);
    }
    // Count on each loop, which owns its sockets' records.
    long[] totals = new long[5];
    for (Map.Entry<EventLoop, Pacer> entry : pacers.entrySet()) {
      long[] counts =
          entry
              .getKey()
              .submit(() -> entry.getValue().count(warmup, warmup + window))
              .get(IO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < totals.length; i++) {
        totals[i] += counts[i];
      }
    }
    long sent = totals[0];
    // The window spans (window x 20 - 1) slots between its first and its last.
    double nominalNanos = (window * Pacer.SLOTS_PER_PACKET - 1) * (double) Pacer.SLOT_NANOS;
    double achieved =
        stalled || windowNanos <= 0
            ? 0
            : sent * (nominalNanos / windowNanos) / (window / (double) PACKETS_PER_SECOND);
    return new Outcome(sent, totals[1], totals[2], totals[3], (int) totals[4], achieved, maxLag);
  }

  /** Closes the phone sockets of {@code calls}. */
  void close(List<Call> calls) throws InterruptedException {
    List<ChannelFuture> closes = new ArrayList<>();
    for (PhoneSocket socket : sockets(calls)) {
      closes.add(socket.channel.close());
    }
    awaitAll(closes, "close a phone socket");
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static Set<PhoneSocket> sockets(List<Call> calls) {
    Set<PhoneSocket> sockets = new LinkedHashSet<>();
    for (Call call : calls) {
      sockets.add(call.caller);
      sockets.add(call.callee);
    }
    return sockets;
  }

  private ChannelFuture bind(PhoneSocket socket, InetAddress host) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(socket.loop)
            .channel(channelType)
            .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
            .option(ChannelOption.SO_SNDBUF, RECEIVE_BUFFER_BYTES)
            .handler(new PhoneSocketHandler(socket.incoming));
    if (epoll) {
      // recvmmsg: up to DATAGRAMS_PER_READ datagrams per system call.
      bootstrap
          .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM_BYTES)
          .option(
              ChannelOption.RCVBUF_ALLOCATOR,
              new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES * DATAGRAMS_PER_READ));
    }
    ChannelFuture bound = bootstrap.bind(host, 0);
    socket.channel = bound.channel();
    return bound;
  }

  private static void awaitAll(List<ChannelFuture> futures, String what)
      throws InterruptedException {
    for (ChannelFuture future : futures) {
      if (!future.await(IO_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("could not " + what + " in " + IO_TIMEOUT_SECONDS + " s");
      }
      if (!future.isSuccess()) {
        throw new IllegalStateException(
            "could not " + what + ": " + future.cause(), future.cause());
      }
    }
  }
}
