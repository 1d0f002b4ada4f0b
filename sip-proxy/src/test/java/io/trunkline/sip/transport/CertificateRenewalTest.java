package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.tls.PemCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener follows its certificate files as a Kubernetes Secret volume changes them
 * (cert-manager renews, the kubelet writes a new {@code ..data} folder and swaps the symlink):
 * {@code openssl s_client} is served the renewed certificate on its next handshake while a
 * connection opened before goes on with the old one; a broken renewal leaves the last good one.
 */
class CertificateRenewalTest {

  @TempDir Path work;

  private Path secret;

  @Test
  void newHandshakesGetTheRenewedCertificateWhileOpenConnectionsGoOn() throws Exception {
    secret = Files.createDirectories(work.resolve("secret"));
    PemCertificate first = version("..2026_12_03_first", "first");
    swapTo("..2026_12_03_first");
    Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));
    int port = LoopbackPorts.freePort(AnsweringServer.ADDRESS);

    try (SipServer server =
            AnsweringServer.start(
                new SipServer.TlsFiles(
                    port, secret.resolve("tls.crt").toFile(), secret.resolve("tls.key").toFile()));
        SSLSocket before = connect(first.clientTrusting(), port)) {
      assertThat(options(before, 1)).startsWith("SIP/2.0 200");
      assertThat(served(port)).isEqualTo(first.x509().getSerialNumber());

      PemCertificate second = version("..2026_12_04_second", "second");
      swapTo("..2026_12_04_second");

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> served(port).equals(second.x509().getSerialNumber()));
      assertThat(PemCertificate.served(AnsweringServer.ADDRESS, port).getSubjectX500Principal())
          .hasToString("CN=second");
      assertThat(options(before, 2)).as("the connection opened before").startsWith("SIP/2.0 200");
      assertThat(((X509Certificate) before.getSession().getPeerCertificates()[0]).getSerialNumber())
          .isEqualTo(first.x509().getSerialNumber());
      assertThat(server.stats().certificateReloadCount()).isEqualTo(1);

      // A renewal caught half-written: the new certificate with a key that is not its own.
      version("..2026_12_05_broken", "third");
      Files.copy(
          second.key(),
          secret.resolve("..2026_12_05_broken/tls.key"),
          StandardCopyOption.REPLACE_EXISTING);
      swapTo("..2026_12_05_broken");

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> server.stats().certificateReloadFailureCount() == 1);
      assertThat(served(port)).isEqualTo(second.x509().getSerialNumber());
      assertThat(server.stats().certificateReloadCount()).isEqualTo(1);
      assertThat(options(before, 3)).startsWith("SIP/2.0 200");
    }
  }

  /** A certificate in its own folder of the Secret volume, as the kubelet writes each version. */
  private PemCertificate version(String folder, String subject) throws Exception {
    Path dir = Files.createDirectories(secret.resolve(folder));
    return PemCertificate.selfSigned(
        dir.resolve("tls.crt"), dir.resolve("tls.key"), subject, "IP:127.0.0.1");
  }

  /** The kubelet's atomic swap: a new symlink renamed over {@code ..data}. */
  private void swapTo(String folder) throws Exception {
    Path next = secret.resolve("..data_tmp");
    Files.createSymbolicLink(next, Path.of(folder));
    Files.move(next, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
  }

  private static BigInteger served(int port) {
    return PemCertificate.served(AnsweringServer.ADDRESS, port).getSerialNumber();
  }

  private static SSLSocket connect(SSLContext context, int port) throws Exception {
    SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(AnsweringServer.ADDRESS, port);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  /** An OPTIONS over the connection; the status line of its answer. */
  private static String options(SSLSocket socket, int cseq) throws Exception {
    String local = AnsweringServer.ADDRESS + ":" + socket.getLocalPort();
    socket
        .getOutputStream()
        .write(
            ("OPTIONS sip:"
                    + AnsweringServer.ADDRESS
                    + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS "
                    + local
                    + ";branch=z9hG4bK-renewal-"
                    + cseq
                    + "\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:probe@"
                    + local
                    + ">;tag=renewal\r\n"
                    + "To: <sip:"
                    + AnsweringServer.ADDRESS
                    + ">\r\n"
                    + "Call-ID: renewal@"
                    + local
                    + "\r\n"
                    + "CSeq: "
                    + cseq
                    + " OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    String status = in.readLine();
    String header;
    do {
      header = in.readLine();
    } while (!header.isEmpty());
    return status;
  }
}
