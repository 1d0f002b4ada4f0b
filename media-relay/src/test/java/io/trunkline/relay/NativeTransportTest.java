package io.trunkline.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the platform the relay is built on: Netty's native epoll transport loads on Linux and a
 * datagram socket carries the DSCP mark the relay will set on media (EF, RFC 3246).
 */
class NativeTransportTest {

  /** DSCP EF in the upper six bits of the IPv4 TOS byte (RFC 2474 §3). */
  private static final int EF_TOS = 46 << 2;

  private final EventLoopGroup group = new EpollEventLoopGroup(1);

  @AfterEach
  void shutdown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void nativeEpollIsAvailable() {
    assertThat(Epoll.isAvailable()).as(String.valueOf(Epoll.unavailabilityCause())).isTrue();
  }

  @Test
  void datagramSocketCarriesTheMediaMark() throws Exception {
    CompletableFuture<String> received = new CompletableFuture<>();
    Channel receiver =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                    received.complete(packet.content().toString(StandardCharsets.US_ASCII));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    Channel sender =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .option(ChannelOption.IP_TOS, EF_TOS)
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {}
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    try {
      assertThat(sender.config().getOption(ChannelOption.IP_TOS)).isEqualTo(EF_TOS);

      sender
          .writeAndFlush(
              new DatagramPacket(
                  Unpooled.copiedBuffer("rtp", StandardCharsets.US_ASCII),
                  (InetSocketAddress) receiver.localAddress()))
          .sync();

      assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("rtp");
    } finally {
      sender.close().sync();
      receiver.close().sync();
    }
  }
}
