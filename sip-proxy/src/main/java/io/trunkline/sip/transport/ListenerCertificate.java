package io.trunkline.sip.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS listener's certificate, followed as its files change: a Kubernetes Secret volume is
 * rewritten in place (the kubelet swaps its {@code ..data} symlink) when cert-manager renews the
 * certificate. Each new handshake takes the current context; connections already open keep the one
 * they began with. A new pair that does not load, or whose key is not the certificate's (read
 * across a swap, say), leaves the old one serving, and is tried again only once the files change.
 */
final class ListenerCertificate {

  private static final System.Logger LOG = System.getLogger(ListenerCertificate.class.getName());

  private static final Pattern PRIVATE_KEY =
      Pattern.compile(
          "-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (?:[A-Z ]+ )?PRIVATE"
              + " KEY-----");

  private final SipServer.TlsFiles files;
  private final FollowedFiles followed;
  private final TransportStats stats;
  private volatile SslContext current;

  private ListenerCertificate(SipServer.TlsFiles files, TransportStats stats) {
    this.files = files;
    this.followed = new FollowedFiles(files.certificateChain(), files.privateKey());
    this.stats = stats;
  }

  /**
   * Loads the certificate as the listener starts.
   *
   * @throws IllegalArgumentException when the files do not make a usable certificate and key
   */
  static ListenerCertificate load(SipServer.TlsFiles files, TransportStats stats) {
    ListenerCertificate certificate = new ListenerCertificate(files, stats);
    try {
      List<byte[]> pair = certificate.followed.read();
      certificate.current = context(pair.get(0), pair.get(1));
      return certificate;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "TLS certificate "
              + files.certificateChain()
              + " or key "
              + files.privateKey()
              + " is not usable: "
              + e.getMessage(),
          e);
    }
  }

  /** The context new TLS connections are accepted with. */
  SslContext current() {
    return current;
  }

  /**
   * Reads the files and, when they differ from the pair last tried, swaps in a context built from
   * them. Called by one thread at a time.
   */
  void reloadIfChanged() {
    List<byte[]> pair = followed.changed();
    if (pair == null) {
      return;
    }
    byte[] chain = pair.get(0);
    try {
      SslContext next = context(chain, pair.get(1));
      current = next;
      stats.certificateReloaded();
      LOG.log(
          System.Logger.Level.INFO,
          "TLS certificate {0} reloaded: {1}",
          files.certificateChain(),
          describe(chain));
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      stats.certificateReloadFailed();
      LOG.log(
          System.Logger.Level.WARNING,
          "TLS certificate {0} or key {1} changed but is not usable, still serving the previous"
              + " one: {2}",
          files.certificateChain(),
          files.privateKey(),
          e.getMessage());
    }
  }

  private static SslContext context(byte[] chain, byte[] keyPem)
      throws GeneralSecurityException, IOException {
    List<X509Certificate> certificates = certificates(chain);
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the chain file");
    }
    PrivateKey key = privateKey(keyPem);
    proveMatch(key, certificates.get(0));
    return SslContextBuilder.forServer(key, certificates).build();
  }

  private static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem))
        .stream()
        .map(X509Certificate.class::cast)
        .toList();
  }

  /** An unencrypted PKCS#8 key, as Netty reads one without BouncyCastle. */
  private static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
    Matcher block = PRIVATE_KEY.matcher(new String(pem, StandardCharsets.US_ASCII));
    if (!block.find()) {
      throw new GeneralSecurityException("no PEM private key in the key file");
    }
    PKCS8EncodedKeySpec spec =
        new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(block.group(1)));
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // Not this algorithm's key: try the next.
      }
    }
    throw new GeneralSecurityException(
        "the key is not an unencrypted PKCS#8 RSA, EC or Ed25519 key");
  }

  /** A key that is not the certificate's would fail every handshake; refuse it before serving. */
  private static void proveMatch(PrivateKey key, X509Certificate certificate)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = "trunkline".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(signature)) {
      throw new GeneralSecurityException("the key is not the certificate's");
    }
  }

  private static String describe(byte[] chain) throws GeneralSecurityException {
    X509Certificate leaf = certificates(chain).get(0);
    return leaf.getSubjectX500Principal().getName()
        + ", serial "
        + leaf.getSerialNumber().toString(16)
        + ", valid until "
        + leaf.getNotAfter().toInstant();
  }
}
