package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.trunkline.testing.net.LoopbackPorts;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    Bootstrap sockets =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true);
    Collector collector = new Collector();
    Channel listener =
        sockets
            .clone()
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    channel.pipeline().addLast(collector);
                  }
                })
            .bind(new InetSocketAddress(HOST, 0))
            .sync()
            .channel();
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
  private final class Collector extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      DatagramPacket packet = (DatagramPacket) msg;
      heard.add(packet.content().toString(StandardCharsets.US_ASCII));
      packet.release();
    }
  }
}
