package io.trunkline.operator.line;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.api.config.Problem;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Broken references show as a condition and an Event on the resource that holds them, and clear
 * once fixed; nothing else breaks.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class LineAndPolicyStatusApiServerTest {

  private static final String TRUNK = TestNamespace.trunkManifest("acme", "");

  @Inject KubernetesClient client;

  private TestNamespace ns;

  @BeforeEach
  void freshNamespace() {
    ns = new TestNamespace(client);
  }

  @Test
  void aLineOfAMissingTrunkSaysSoUntilTheTrunkExists() {
    secret("alice-sip");
    line("alice", "+4930100", "alice", "alice-sip");

    Condition missing = ns.awaitReady(SipLine.class, "alice", Problem.TRUNK_NOT_FOUND);
    assertThat(missing.getStatus()).isEqualTo("False");
    assertThat(missing.getMessage())
        .isEqualTo("SipTrunk acme does not exist in namespace " + ns.name());
    ns.awaitEvent("alice", Problem.TRUNK_NOT_FOUND);

    ns.apply(TRUNK);

    assertThat(ns.awaitReady(SipLine.class, "alice", "Accepted").getStatus()).isEqualTo("True");
  }

  @Test
  void aLineWithoutItsPasswordSecretSaysSoUntilTheSecretExists() {
    ns.apply(TRUNK);
    line("bob", "+4930200", "bob", "bob-sip");

    assertThat(ns.awaitReady(SipLine.class, "bob", Problem.CREDENTIALS_NOT_FOUND).getMessage())
        .isEqualTo("Secret bob-sip has no key password");
    ns.awaitEvent("bob", Problem.CREDENTIALS_NOT_FOUND);

    secret("bob-sip");

    ns.awaitReady(SipLine.class, "bob", "Accepted");
  }

  @Test
  void aLineWhoseSecretHoldsNoPasswordItCanReadSaysWhy() {
    ns.apply(TRUNK);
    // Cached but without the key: said at once, not looked up again every second.
    secret("carol-sip", "Opaque", "pin");
    line("carol", "+4930300", "carol", "carol-sip");
    assertThat(ns.awaitReady(SipLine.class, "carol", Problem.CREDENTIALS_NOT_FOUND).getMessage())
        .isEqualTo("Secret carol-sip has no key password");

    // Of a type the operator's watch leaves out: the line says so rather than "missing".
    secret("dave-sip", "helm.sh/release.v1", "password");
    line("dave", "+4930400", "dave", "dave-sip");
    assertThat(ns.awaitReady(SipLine.class, "dave", Problem.CREDENTIALS_NOT_FOUND).getMessage())
        .isEqualTo(
            "Secret dave-sip is of type helm.sh/release.v1, which the operator does not read: a"
                + " password goes in an Opaque or kubernetes.io/basic-auth Secret");
  }

  @Test
  void aSecondLineWithTheSameNumberIsRefused() {
    ns.apply(TRUNK);
    secret("s");
    line("alice", "+4930100", "alice", "s");
    line("mallory", "+4930100", "mallory", "s");

    ns.awaitReady(SipLine.class, "alice", "Accepted");
    assertThat(ns.awaitReady(SipLine.class, "mallory", Problem.DUPLICATE_LINE).getMessage())
        .isEqualTo("number +4930100 already belongs to line alice");
  }

  @Test
  void aPolicyNamingAMissingTrunkOrAnUnknownCarrierSaysWhichUntilFixed() {
    policy("carrier-b");
    assertThat(ns.awaitReady(RoutePolicy.class, "outbound", Problem.TRUNK_NOT_FOUND).getMessage())
        .isEqualTo("no SipTrunk acme in namespace " + ns.name());

    ns.apply(TRUNK);

    assertThat(ns.awaitReady(RoutePolicy.class, "outbound", Problem.INVALID_ROUTE).getMessage())
        .isEqualTo("trunk acme: rule all: carrier carrier-b is not a carrier of trunk acme");
    ns.awaitEvent("outbound", Problem.INVALID_ROUTE);

    policy("carrier-a");

    ns.awaitReady(RoutePolicy.class, "outbound", "Accepted");
  }

  private void policy(String carrier) {
    ns.apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: RoutePolicy
        metadata: {name: outbound}
        spec:
          trunks: [acme]
          rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: %s}]}]
        """
            .formatted(carrier));
  }

  private void line(String name, String number, String user, String secret) {
    ns.apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: %s}
        spec: {trunk: acme, number: "%s", username: %s, credentialsSecret: %s}
        """
            .formatted(name, number, user, secret));
  }

  private void secret(String name) {
    secret(name, "Opaque", "password");
  }

  private void secret(String name, String type, String key) {
    ns.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s}
        type: %s
        stringData: {%s: pw}
        """
            .formatted(name, type, key));
  }
}
