package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.trunkline.testing.log.LogRecords;
import io.trunkline.testing.net.LoopbackPorts;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch's connected sockets, against the kernel's ICMP errors on loopback. */
class UdpPeerWatchTest {

  private static final String HOST = "127.0.0.1";

  private final EventLoopGroup group = new EpollEventLoopGroup(2);
  private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

  @AfterEach
  void shutdown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aDatagramQueuedBehindARefusalIsStillRead() throws Exception {
    Bootstrap sockets = sockets();
    Collector collector = new Collector((text, sender) -> heard.add(text));
    Channel listener = listen(sockets, collector);
    InetSocketAddress local = (InetSocketAddress) listener.localAddress();
    InetSocketAddress peer = new InetSocketAddress(HOST, LoopbackPorts.freePort(HOST));
    CountDownLatch refused = new CountDownLatch(1);
    try (UdpPeerWatch watch = new UdpPeerWatch(sockets, local, collector)) {
      // The peer is dead: its refusal is heard, and the watch's socket connected to it stays.
      watch.sendWatched(peer, refused::countDown, () -> listener.writeAndFlush(packet(peer)));
      assertThat(refused.await(5, TimeUnit.SECONDS)).isTrue();

      // While every loop is busy, the peer refuses once more, then comes back and sends: the
      // watch's socket holds the refusal, then the datagram, when its loop next reads it.
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch busy = new CountDownLatch(2);
      group.forEach(
          loop ->
              loop.execute(
                  () -> {
                    busy.countDown();
                    awaitQuietly(release);
                  }));
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
      try (DatagramSocket fromListenerPort = new DatagramSocket(null)) {
        fromListenerPort.setReuseAddress(true);
        fromListenerPort.bind(local);
        fromListenerPort.send(datagram("OPTIONS", peer));
      }
      Thread.sleep(100); // the ICMP error is delivered on loopback at once; no clock is asserted
      try (DatagramSocket back = new DatagramSocket(peer)) {
        back.send(datagram("BYE", local));
      }
      release.countDown();

      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo("BYE");
    } finally {
      listener.close().sync();
    }
  }

  /**
   * The sockets sharing the listener's port take its datagrams newest first, so one that a watch
   * socket got in the moment between its bind and its connect came from anyone. Its sender must be
   * the one it came from, or the answer goes to the watched peer: the torture test's lost 400.
   */
  @Test
  void aDatagramAWatchSocketTakesKeepsItsSender() throws Exception {
    Bootstrap sockets = sockets();
    Set<String> senders = ConcurrentHashMap.newKeySet();
    Collector collector = new Collector((text, sender) -> senders.add(text + " from " + sender));
    Channel listener = listen(sockets, collector);
    InetSocketAddress local = (InetSocketAddress) listener.localAddress();
    AtomicBoolean watching = new AtomicBoolean(true);
    try (UdpPeerWatch watch = new UdpPeerWatch(sockets, local, collector);
        DatagramSocket phone = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
      Thread sender =
          new Thread(
              () -> {
                // Bounded in count as well as by the watches below.
                for (int i = 0; i < 2_000_000 && watching.get(); i++) {
                  try {
                    phone.send(datagram("REGISTER", local));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      sender.start();
      // Watches open and close (the oldest given up past MAX_PEERS) while the phone sends: no
      // peer is sent anything, and none listens.
      int base = 20_000 + local.getPort() % 1_000;
      for (int i = 0; i < 4 * UdpPeerWatch.MAX_PEERS; i++) {
        CountDownLatch watched = new CountDownLatch(1);
        watch.sendWatched(new InetSocketAddress(HOST, base + i), () -> {}, watched::countDown);
        assertThat(watched.await(5, TimeUnit.SECONDS)).isTrue();
      }
      watching.set(false);
      sender.join(10_000);
      String fromPhone = "REGISTER from " + phone.getLocalSocketAddress();
      assertThat(senders).isNotEmpty();
      assertThat(senders.stream().filter(heard -> !heard.equals(fromPhone)).distinct()).isEmpty();
    } finally {
      watching.set(false);
      listener.close().sync();
    }
  }

  /**
   * A server closes its watches before its event loops stop, while a send may still be on its way
   * in: that send runs unwatched, and no socket opens on the loops about to stop.
   */
  @Test
  void aClosedWatchOpensNoSocketAndStillSends() throws Exception {
    Bootstrap sockets = sockets();
    Collector collector = new Collector((text, sender) -> heard.add(text));
    Channel listener = listen(sockets, collector);
    InetSocketAddress local = (InetSocketAddress) listener.localAddress();
    InetSocketAddress peer = new InetSocketAddress(HOST, LoopbackPorts.freePort(HOST));
    UdpPeerWatch watch = new UdpPeerWatch(sockets, local, collector);
    watch.close();
    listener.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    CountDownLatch sent = new CountDownLatch(1);

    try (LogRecords netty = LogRecords.of("io.netty", Level.WARNING)) {
      watch.sendWatched(peer, () -> {}, sent::countDown);

      assertThat(sent.getCount()).isZero();
      assertThat(netty.messages()).isEmpty();
    }
  }

  private Bootstrap sockets() {
    return new Bootstrap()
        .group(group)
        .channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true);
  }

  /** The listener: on a port of its own, with SO_REUSEADDR as the watch's sockets. */
  private static Channel listen(Bootstrap sockets, Collector collector)
      throws InterruptedException {
    return sockets.clone().handler(collector).bind(new InetSocketAddress(HOST, 0)).sync().channel();
  }

  private static DatagramPacket packet(InetSocketAddress to) {
    return new DatagramPacket(Unpooled.copiedBuffer("OPTIONS", StandardCharsets.US_ASCII), to);
  }

  private static java.net.DatagramPacket datagram(String text, InetSocketAddress to) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    return new java.net.DatagramPacket(bytes, bytes.length, to);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What reaches the listener's pipeline, from any of the sockets. */
  @Sharable
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final BiConsumer<String, InetSocketAddress> heard;

    Collector(BiConsumer<String, InetSocketAddress> heard) {
      this.heard = heard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket packet = (DatagramPacket) msg;
      heard.accept(packet.content().toString(StandardCharsets.US_ASCII), packet.sender());
      packet.release();
    }
  }
}
