package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.v1alpha1.trunk.CarrierCa;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.trunk.pool.ProxyPool;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Optional;

/**
 * Which CAs a trunk's proxies trust for TLS to its carriers: the CarrierTrust condition. True with
 * the JDK's trust anchors alone ({@code JdkAnchors}) or beside the bundle spec.carrierCa names
 * ({@code CarrierCa}); False when that bundle cannot be used ({@code CarrierCaSecretInvalid}), in
 * which case new proxy pods cannot start: the kubelet mounts no Secret or key that is missing, and
 * a proxy refuses a bundle without a certificate.
 *
 * <p>The Secret is checked here, as the store's is ({@link SharedState}, decision 0015): the bundle
 * reaches the pods as a mounted file, not through the snapshot.
 */
final class CarrierTrust {

  static final String CONDITION = "CarrierTrust";
  static final String JDK_ANCHORS = "JdkAnchors";
  static final String CARRIER_CA = "CarrierCa";
  static final String CARRIER_CA_SECRET_INVALID = "CarrierCaSecretInvalid";

  private CarrierTrust() {}

  /**
   * The condition for {@code trunk}, from the Secret of its carriers' CA bundle as the informer
   * holds it (empty when there is none of that name).
   */
  static Condition condition(SipTrunk trunk, Optional<Secret> caSecret) {
    CarrierCa carrierCa = trunk.getSpec().getCarrierCa();
    if (carrierCa == null) {
      return Conditions.of(
          CONDITION,
          true,
          JDK_ANCHORS,
          "carriers' certificates must chain to the JDK's trust anchors");
    }
    String secret = carrierCa.getSecretName();
    String key = ProxyPool.carrierCaKey(carrierCa);
    Optional<String> invalid = invalid(secret, key, caSecret);
    if (invalid.isPresent()) {
      return Conditions.of(
          CONDITION,
          false,
          CARRIER_CA_SECRET_INVALID,
          invalid.get() + ": new proxy pods cannot start");
    }
    return Conditions.of(
        CONDITION,
        true,
        CARRIER_CA,
        "carriers' certificates must chain to the JDK's trust anchors or to the CAs in key "
            + key
            + " of Secret "
            + secret);
  }

  /** What makes the bundle unusable by the proxies, if anything. */
  private static Optional<String> invalid(String secret, String key, Optional<Secret> found) {
    if (found.isEmpty()) {
      return Optional.of("Secret " + secret + " not found");
    }
    Optional<String> bundle = SecretValues.value(found.get(), key);
    if (bundle.isEmpty()) {
      return Optional.of("Secret " + secret + " has no key " + key);
    }
    if (!holdsCertificates(bundle.get())) {
      return Optional.of("Secret " + secret + ": " + key + " holds no PEM certificate");
    }
    return Optional.empty();
  }

  /**
   * Read as the proxy reads it ({@code OutboundTls}), which refuses to start on a bundle without a
   * certificate.
   */
  private static boolean holdsCertificates(String pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty();
    } catch (CertificateException e) {
      return false;
    }
  }
}
