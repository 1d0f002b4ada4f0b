package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The API server sends the operator only the Secrets a trunk can read: not Helm's releases, not
 * registry logins, not the operator's own.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class ReadableSecretsApiServerTest {

  @Inject KubernetesClient client;

  @Test
  void theCacheHoldsOnlyTheSecretsATrunkCanRead() {
    TestNamespace ns = new TestNamespace(client);
    secret(ns, "{name: alice-sip}", "Opaque", "password: pw");
    secret(ns, "{name: carrier-login}", "kubernetes.io/basic-auth", "username: u, password: pw");
    secret(ns, "{name: sh.helm.release.v1.pbx.v1}", "helm.sh/release.v1", "release: H4sI");
    secret(ns, "{name: registry}", "kubernetes.io/dockerconfigjson", "'.dockerconfigjson': '{}'");
    secret(
        ns,
        "{name: acme-credentials, labels: {app.kubernetes.io/managed-by: trunkline-operator}}",
        "Opaque",
        "password: pw");

    SharedInformer<Secret> secrets =
        new SharedInformer<>(
            client, Secret.class, Set.of(ns.name()), ReadableSecrets::select, Map.of());
    ResourceEventHandler<Secret> none =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret secret) {}

          @Override
          public void onUpdate(Secret before, Secret after) {}

          @Override
          public void onDelete(Secret secret, boolean finalStateUnknown) {}
        };
    secrets.attach(none);
    try {
      // attach returns once the informer has listed.
      for (String readable : Set.of("alice-sip", "carrier-login")) {
        assertThat(secrets.get(new ResourceID(readable, ns.name()))).as(readable).isPresent();
        assertThat(ReadableSecrets.unread(ns.get(Secret.class, readable))).as(readable).isEmpty();
      }
      for (String unread : Set.of("sh.helm.release.v1.pbx.v1", "registry", "acme-credentials")) {
        assertThat(secrets.get(new ResourceID(unread, ns.name()))).as(unread).isEmpty();
        assertThat(ReadableSecrets.unread(ns.get(Secret.class, unread))).as(unread).isPresent();
      }
    } finally {
      secrets.detach(none);
    }
  }

  private static void secret(TestNamespace ns, String metadata, String type, String data) {
    ns.apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: %s
        type: %s
        stringData: {%s}
        """
            .formatted(metadata, type, data));
  }
}
