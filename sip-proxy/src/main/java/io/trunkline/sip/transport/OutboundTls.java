package io.trunkline.sip.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS connections the proxy opens, to carriers above all. A destination resolved from a host
 * name (an {@link InetSocketAddress} keeps the name it was looked up by) is sent that name as SNI
 * (RFC 6066 §3) and its certificate must name it (RFC 5922 §7.2, checked the way HTTPS does, RFC
 * 2818 §3.1: decision 0024); one named by an IP literal has no name to check, only the chain. The
 * chain must end at the JDK's trust anchors or at one of an optional PEM bundle's.
 *
 * <p>The bundle is followed as its file changes, as the listener's certificate is ({@link
 * ListenerCertificate}): a Secret volume the kubelet rewrites when the Secret changes. Connections
 * opened afterwards trust the new anchors; open ones keep theirs. A changed bundle without a
 * certificate leaves the previous anchors trusted, and is tried again only once the file changes.
 */
final class OutboundTls {

  private static final System.Logger LOG = System.getLogger(OutboundTls.class.getName());

  private final File bundle;
  private final FollowedFiles followed;
  private final TransportStats stats;
  private volatile SslContext context;

  private OutboundTls(File bundle, TransportStats stats) {
    this.bundle = bundle;
    this.followed = bundle == null ? null : new FollowedFiles(bundle);
    this.stats = stats;
  }

  /**
   * Trusts the JDK's default anchors and, when {@code bundle} is not null, the PEM certificates in
   * it too.
   *
   * @throws IllegalArgumentException when the bundle cannot be read or holds no certificate
   */
  static OutboundTls trusting(File bundle, TransportStats stats) {
    OutboundTls tls = new OutboundTls(bundle, stats);
    try {
      if (bundle == null) {
        tls.context = SslContextBuilder.forClient().build();
      } else {
        tls.context = context(tls.followed.read().get(0));
      }
      return tls;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "carrier trust anchors " + bundle + " are not usable: " + e.getMessage(), e);
    }
  }

  /** True when there is a bundle to follow. */
  boolean followsBundle() {
    return bundle != null;
  }

  /**
   * Reads the bundle and, when it differs from the one last tried, trusts its certificates for new
   * connections. Called by one thread at a time.
   */
  void reloadIfChanged() {
    List<byte[]> changed = followed.changed();
    if (changed == null) {
      return;
    }
    try {
      context = context(changed.get(0));
      stats.carrierAnchorsReloaded();
      LOG.log(System.Logger.Level.INFO, "carrier trust anchors {0} reloaded", bundle);
    } catch (GeneralSecurityException | IOException e) {
      stats.carrierAnchorsReloadFailed();
      LOG.log(
          System.Logger.Level.WARNING,
          "carrier trust anchors {0} changed but are not usable, still trusting the previous"
              + " ones: {1}",
          bundle,
          e.getMessage());
    }
  }

  private static SslContext context(byte[] pem) throws IOException, GeneralSecurityException {
    return SslContextBuilder.forClient().trustManager(anchors(pem)).build();
  }

  private static TrustManagerFactory anchors(byte[] pem)
      throws IOException, GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    TrustManagerFactory jdk =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    for (var manager : jdk.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate anchor : x509.getAcceptedIssuers()) {
          anchors.setCertificateEntry("jdk-" + anchors.size(), anchor);
        }
      }
    }
    Collection<? extends Certificate> added =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    if (added.isEmpty()) {
      throw new GeneralSecurityException("no PEM certificate in it");
    }
    for (Certificate anchor : added) {
      anchors.setCertificateEntry("bundle-" + anchors.size(), anchor);
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    return trust;
  }

  /** The handler that opens TLS to {@code destination}, checking its name where it has one. */
  SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress destination) {
    String host = destination.getHostString();
    SslHandler handler = context.newHandler(alloc, host, destination.getPort());
    if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
      SSLEngine engine = handler.engine();
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      // The JDK offers SNI only for names with a dot; a carrier named "sbc" gets it too.
      parameters.setServerNames(List.of(new SNIHostName(host)));
      engine.setSSLParameters(parameters);
    }
    return handler;
  }
}
