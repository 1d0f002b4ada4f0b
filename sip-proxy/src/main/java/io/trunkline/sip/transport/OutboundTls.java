package io.trunkline.sip.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
 */
final class OutboundTls {

  private final SslContext context;

  private OutboundTls(SslContext context) {
    this.context = context;
  }

  /**
   * Trusts the JDK's default anchors and, when {@code bundle} is not null, the PEM certificates in
   * it too.
   *
   * @throws IllegalArgumentException when the bundle cannot be read or holds no certificate
   */
  static OutboundTls trusting(File bundle) {
    try {
      SslContextBuilder builder = SslContextBuilder.forClient();
      if (bundle != null) {
        builder.trustManager(anchors(bundle));
      }
      return new OutboundTls(builder.build());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "carrier trust anchors " + bundle + " are not usable: " + e.getMessage(), e);
    }
  }

  private static TrustManagerFactory anchors(File bundle)
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
    Collection<? extends Certificate> added;
    try (InputStream pem = Files.newInputStream(bundle.toPath())) {
      added = CertificateFactory.getInstance("X.509").generateCertificates(pem);
    }
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
