package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.tls.OpensslCarrier;
import io.trunkline.testing.tls.PemCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The carriers' CA bundle is followed as a Kubernetes Secret volume changes it (the kubelet writes
 * a new {@code ..data} folder and swaps the symlink): a carrier ({@code openssl s_server}) whose
 * certificate a CA outside the bundle signed is refused until the bundle holds that CA, then
 * trusted on the next connection; a rewritten bundle without a certificate leaves the last good
 * anchors trusted.
 */
class CarrierCaRenewalTest {

  private static final String CARRIER_HOST = "localhost";

  @TempDir Path work;

  private Path secret;
  private EventLoopGroup group;

  @BeforeEach
  void eventLoop() {
    group = new NioEventLoopGroup(1);
  }

  @AfterEach
  void stopEventLoop() {
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void newConnectionsTrustTheRewrittenBundleAndABrokenOneKeepsTheLast() throws Exception {
    secret = Files.createDirectories(work.resolve("secret"));
    PemCertificate otherCa = authority("other-ca", "Another carrier's CA");
    PemCertificate carrierCa = authority("carrier-ca", "Carrier CA");
    PemCertificate carrierCertificate =
        carrierCa.issue(
            work.resolve("carrier.crt"),
            work.resolve("carrier.key"),
            CARRIER_HOST,
            "DNS:" + CARRIER_HOST);
    version("..2026_12_03_first", Files.readString(otherCa.certificate()));
    swapTo("..2026_12_03_first");
    Files.createSymbolicLink(secret.resolve("ca.crt"), Path.of("..data/ca.crt"));
    int port = LoopbackPorts.freePort("127.0.0.1");

    try (OpensslCarrier carrier =
        OpensslCarrier.start("127.0.0.1", port, carrierCertificate, CARRIER_HOST)
            .awaitListening(Duration.ofSeconds(10))) {
      TransportStats stats = new TransportStats();
      OutboundTls tls = OutboundTls.trusting(secret.resolve("ca.crt").toFile(), stats);
      assertThat(handshakes(tls, port)).as("a CA outside the bundle").isFalse();
      tls.reloadIfChanged();
      assertThat(handshakes(tls, port)).as("the bundle unchanged").isFalse();

      version(
          "..2026_12_04_second",
          Files.readString(otherCa.certificate()) + Files.readString(carrierCa.certificate()));
      swapTo("..2026_12_04_second");
      tls.reloadIfChanged();
      assertThat(handshakes(tls, port)).as("the carrier's CA added to the bundle").isTrue();
      assertThat(stats.carrierAnchorsReloadCount()).isOne();

      version("..2026_12_05_broken", "replace with the carrier's CA\n");
      swapTo("..2026_12_05_broken");
      tls.reloadIfChanged();
      assertThat(handshakes(tls, port)).as("a bundle without a certificate").isTrue();
      assertThat(stats.carrierAnchorsReloadFailureCount()).isOne();
      assertThat(stats.carrierAnchorsReloadCount()).isOne();
      assertThat(carrier.serverNames()).contains(CARRIER_HOST);
    }
  }

  /** The proxy's transports look at the bundle every second, with no one asking them to. */
  @Test
  void theTransportsFollowTheBundleOnTheirOwn() throws Exception {
    secret = Files.createDirectories(work.resolve("secret"));
    PemCertificate first = authority("first-ca", "First CA");
    PemCertificate second = authority("second-ca", "Second CA");
    version("..2026_12_03_first", Files.readString(first.certificate()));
    swapTo("..2026_12_03_first");
    Files.createSymbolicLink(secret.resolve("ca.crt"), Path.of("..data/ca.crt"));

    try (SipServer server =
        SipServer.start(
            new SipServer.Settings(
                new InetSocketAddress("127.0.0.1", LoopbackPorts.freePort("127.0.0.1")),
                24,
                null,
                secret.resolve("ca.crt").toFile()),
            (sender, workers) -> message -> {})) {
      version("..2026_12_04_second", Files.readString(second.certificate()));
      swapTo("..2026_12_04_second");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> server.stats().carrierAnchorsReloadCount() == 1);

      version("..2026_12_05_broken", "replace with the carrier's CA\n");
      swapTo("..2026_12_05_broken");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> server.stats().carrierAnchorsReloadFailureCount() == 1);
      assertThat(server.stats().carrierAnchorsReloadCount()).isOne();
    }
  }

  private PemCertificate authority(String name, String subject) {
    return PemCertificate.selfSigned(
        work.resolve(name + ".crt"), work.resolve(name + ".key"), subject, "DNS:ca.invalid");
  }

  /** A bundle in its own folder of the Secret volume, as the kubelet writes each version. */
  private void version(String folder, String bundle) throws Exception {
    Files.writeString(Files.createDirectories(secret.resolve(folder)).resolve("ca.crt"), bundle);
  }

  /** The kubelet's atomic swap: a new symlink renamed over {@code ..data}. */
  private void swapTo(String folder) throws Exception {
    Path next = secret.resolve("..data_tmp");
    Files.createSymbolicLink(next, Path.of(folder));
    Files.move(next, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Whether a TLS connection to the carrier, by its host name, completes its handshake. */
  private boolean handshakes(OutboundTls tls, int port) throws Exception {
    InetSocketAddress carrier =
        new InetSocketAddress(
            InetAddress.getByAddress(CARRIER_HOST, new byte[] {127, 0, 0, 1}), port);
    AtomicReference<SslHandler> handler = new AtomicReference<>();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    handler.set(tls.newHandler(ch.alloc(), carrier));
                    ch.pipeline().addLast(handler.get());
                  }
                })
            .connect(carrier)
            .sync()
            .channel();
    try {
      // Bounded by the handler's own handshake timeout (10 s).
      return handler.get().handshakeFuture().await().isSuccess();
    } finally {
      channel.close().sync();
    }
  }
}
