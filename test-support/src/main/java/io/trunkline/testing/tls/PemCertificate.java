package io.trunkline.testing.tls;

import io.trunkline.testing.process.Commands;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate and its PKCS#8 key in PEM files, made by the {@code openssl} binary as an operator
 * would make them (or cert-manager with {@code encoding: PKCS8}): a self-signed one, which can also
 * act as the authority of others, or one it issued.
 *
 * @param certificate the PEM certificate
 * @param key the PEM private key, unencrypted PKCS#8
 */
public record PemCertificate(Path certificate, Path key) {

  private static final Duration LIMIT = Duration.ofSeconds(60);

  /**
   * A self-signed certificate for {@code subject} (a CN) and {@code subjectAltName} (openssl's
   * form, e.g. {@code DNS:localhost} or {@code IP:127.0.0.1}), written to {@code certificate} and
   * {@code key}.
   */
  public static PemCertificate selfSigned(
      Path certificate, Path key, String subject, String subjectAltName) {
    return make(new ArrayList<>(), certificate, key, subject, subjectAltName);
  }

  /** A certificate for {@code subject} and {@code subjectAltName} signed by this one. */
  public PemCertificate issue(Path certificate, Path key, String subject, String subjectAltName) {
    List<String> issuer =
        new ArrayList<>(
            List.of(
                "-CA",
                this.certificate.toString(),
                "-CAkey",
                this.key.toString(),
                "-addext",
                "basicConstraints=critical,CA:FALSE"));
    return make(issuer, certificate, key, subject, subjectAltName);
  }

  private static PemCertificate make(
      List<String> issuer, Path certificate, Path key, String subject, String subjectAltName) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=" + subject,
                "-addext",
                "subjectAltName=" + subjectAltName,
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString()));
    command.addAll(issuer);
    Commands.Result made = Commands.run(LIMIT, command);
    if (made.exitCode() != 0) {
      throw new IllegalStateException("openssl req failed: " + made.output());
    }
    return new PemCertificate(certificate, key);
  }

  /**
   * The certificate a TLS listener serves to a new handshake, as {@code openssl s_client} receives
   * it.
   */
  public static X509Certificate served(String host, int port) {
    Commands.Result shown =
        Commands.run(LIMIT, List.of("openssl", "s_client", "-connect", host + ":" + port));
    int begin = shown.output().indexOf("-----BEGIN CERTIFICATE-----");
    String end = "-----END CERTIFICATE-----";
    if (begin < 0) {
      throw new IllegalStateException("no certificate served: " + shown.output());
    }
    return parse(
        shown
            .output()
            .substring(begin, shown.output().indexOf(end, begin) + end.length())
            .getBytes(StandardCharsets.US_ASCII));
  }

  /** The certificate in the file. */
  public X509Certificate x509() {
    try {
      return parse(Files.readAllBytes(certificate));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client's TLS context that trusts this certificate, and nothing else. */
  public SSLContext clientTrusting() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("trusted", x509());
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate parse(byte[] pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }
}
