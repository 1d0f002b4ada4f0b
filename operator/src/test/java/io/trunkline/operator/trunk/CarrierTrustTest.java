package io.trunkline.operator.trunk;

import static io.trunkline.operator.trunk.pool.TestTrunks.secret;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.tls.PemCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CarrierTrust condition from the trunk's spec and the Secret of its carriers' CA bundle. */
class CarrierTrustTest {

  private static final SipTrunk NAMED = trunk("carrierCa: {secretName: s}");

  @TempDir Path work;

  @Test
  void withoutABundleTheJdksAnchorsAloneAreTrusted() {
    assertThat(render(CarrierTrust.condition(trunk(""), Optional.empty())))
        .isEqualTo("True JdkAnchors carriers' certificates must chain to the JDK's trust anchors");
  }

  @Test
  void aBundleOfCertificatesIsTrustedBesideTheJdks() throws Exception {
    String ca = authority("Carriers CA");
    String bundle = ca + authority("Second carrier's CA");

    assertThat(render(CarrierTrust.condition(NAMED, secret(Map.of("ca.crt", ca)))))
        .isEqualTo(
            "True CarrierCa carriers' certificates must chain to the JDK's trust anchors or to"
                + " the CAs in key ca.crt of Secret s");
    assertThat(
            CarrierTrust.condition(
                    trunk("carrierCa: {secretName: s, key: bundle.pem}"),
                    secret(Map.of("bundle.pem", bundle)))
                .getMessage())
        .endsWith("the CAs in key bundle.pem of Secret s");
  }

  @Test
  void aBundleTheProxiesCannotUseIsNamed() throws Exception {
    assertThat(render(CarrierTrust.condition(NAMED, Optional.empty())))
        .isEqualTo("False CarrierCaSecretInvalid Secret s not found: new proxy pods cannot start");
    assertThat(message(NAMED, secret(Map.of("tls.crt", authority("Carriers CA")))))
        .isEqualTo("Secret s has no key ca.crt: new proxy pods cannot start");
    assertThat(message(NAMED, secret(Map.of("ca.crt", "replace with the carrier's CA"))))
        .isEqualTo("Secret s: ca.crt holds no PEM certificate: new proxy pods cannot start");
    assertThat(
            message(
                NAMED,
                secret(
                    Map.of(
                        "ca.crt",
                        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                            + "-----END CERTIFICATE-----\n"))))
        .startsWith("Secret s: ca.crt holds no PEM certificate");
  }

  private String authority(String subject) throws Exception {
    Path certificate = work.resolve(subject.replace(' ', '-') + ".crt");
    PemCertificate.selfSigned(
        certificate, work.resolve(subject.replace(' ', '-') + ".key"), subject, "DNS:ca.invalid");
    return Files.readString(certificate);
  }

  private static String message(SipTrunk trunk, Optional<Secret> secret) {
    return CarrierTrust.condition(trunk, secret).getMessage();
  }

  private static String render(Condition condition) {
    assertThat(condition.getType()).isEqualTo(CarrierTrust.CONDITION);
    return condition.getStatus() + " " + condition.getReason() + " " + condition.getMessage();
  }
}
