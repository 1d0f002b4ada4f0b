package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.line.SipLine;
import org.junit.jupiter.api.Test;

/**
 * What a read-only informer caches: no managedFields nor kubectl's record, one empty map for all,
 * and repeated strings held once.
 */
class CompactItemStoreTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void twoLinesOfOneTrunkShareTheirRepeatedStringsAndKeepTheirOwn() {
    SipLine alice = CompactItemStore.compact(line("alice"));
    SipLine bob = CompactItemStore.compact(line("bob"));

    assertThat(alice.getMetadata().getManagedFields()).isNull();
    assertThat(alice.getMetadata().getNamespace()).isEqualTo("acme-phones");
    assertThat(bob.getMetadata().getNamespace()).isSameAs(alice.getMetadata().getNamespace());
    assertThat(bob.getSpec().getTrunk()).isSameAs(alice.getSpec().getTrunk());
    var aliceReady = alice.getStatus().getConditions().get(0);
    var bobReady = bob.getStatus().getConditions().get(0);
    assertThat(bobReady.getMessage()).isSameAs(aliceReady.getMessage());
    assertThat(bobReady.getLastTransitionTime()).isSameAs(aliceReady.getLastTransitionTime());
    assertThat(alice.getSpec().getUsername()).isEqualTo("alice");
    assertThat(bob.getSpec().getCredentialsSecret()).isEqualTo("bob-sip");
  }

  @Test
  void kubectlsRecordGoesAndEmptyMapsAreOneSharedMap() {
    SipLine alice = CompactItemStore.compact(line("alice"));
    SipLine bob = CompactItemStore.compact(line("bob"));

    assertThat(alice.getMetadata().getAnnotations()).containsOnlyKeys("trunkline.io/owner");
    assertThat(alice.getMetadata().getLabels()).isEmpty();
    assertThat(bob.getMetadata().getLabels()).isSameAs(alice.getMetadata().getLabels());
    assertThat(bob.getMetadata().getFinalizers()).isSameAs(alice.getMetadata().getFinalizers());
    assertThat(bob.getStatus().getConditions().get(0).getAdditionalProperties())
        .isSameAs(alice.getMetadata().getAdditionalProperties());
    Secret secret = CompactItemStore.compact(secret("alice-sip", "c2VjcmV0"));
    assertThat(secret.getMetadata().getAnnotations()).isEmpty();
    assertThat(secret.getStringData()).isSameAs(alice.getMetadata().getLabels());
    // Still what the resource was, to anything that reads or copies it.
    assertThat(JSON.asJson(secret)).doesNotContain("last-applied").contains("c2VjcmV0");
  }

  @Test
  void secretsShareTheirTypeAndKeysAndKeepTheirValues() {
    Secret alice = CompactItemStore.compact(secret("alice-sip", "c2VjcmV0"));
    Secret bob = CompactItemStore.compact(secret("bob-sip", "b3RoZXI="));

    assertThat(bob.getType()).isSameAs(alice.getType());
    assertThat(bob.getData().keySet().iterator().next())
        .isSameAs(alice.getData().keySet().iterator().next());
    assertThat(alice.getData()).containsEntry("password", "c2VjcmV0");
    assertThat(bob.getData()).containsEntry("password", "b3RoZXI=");
    assertThat(alice.getMetadata().getManagedFields()).isNull();
  }

  @Test
  void aLineCachedByTwoInformersIsHeldOnce() {
    CompactItemStore<SipLine> controllers = new CompactItemStore<>();
    CompactItemStore<SipLine> shared = new CompactItemStore<>();

    controllers.put("acme-phones/alice", version(line("alice"), "u-alice", "41"));
    shared.put("acme-phones/alice", version(line("alice"), "u-alice", "41"));
    assertThat(shared.get("acme-phones/alice")).isSameAs(controllers.get("acme-phones/alice"));

    // A newer version is a resource of its own until the other informer catches up.
    shared.put("acme-phones/alice", version(line("alice"), "u-alice", "42"));
    assertThat(shared.get("acme-phones/alice")).isNotSameAs(controllers.get("acme-phones/alice"));
    assertThat(shared.get("acme-phones/alice").getMetadata().getResourceVersion()).isEqualTo("42");
    controllers.put("acme-phones/alice", version(line("alice"), "u-alice", "42"));
    assertThat(controllers.get("acme-phones/alice")).isSameAs(shared.get("acme-phones/alice"));

    // Only the same object's version: another uid is another object.
    shared.put("acme-phones/bob", version(line("bob"), "u-bob", "42"));
    assertThat(shared.get("acme-phones/bob").getMetadata().getName()).isEqualTo("bob");
  }

  private static SipLine version(SipLine line, String uid, String resourceVersion) {
    line.getMetadata().setUid(uid);
    line.getMetadata().setResourceVersion(resourceVersion);
    return line;
  }

  // Parsed, as an informer gets them: every string a new instance.
  private static SipLine line(String name) {
    return JSON.unmarshal(
        """
        {"apiVersion": "trunkline.io/v1alpha1", "kind": "SipLine",
         "metadata": {"name": "%s", "namespace": "acme-phones",
                      "annotations": {"trunkline.io/owner": "it",
                        "kubectl.kubernetes.io/last-applied-configuration": "{\\"kind\\":\\"SipLine\\"}"},
                      "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
         "spec": {"trunk": "acme", "number": "+4930100", "username": "%s",
                  "credentialsSecret": "%s-sip"},
         "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Accepted",
                    "message": "in the configuration of SipTrunk acme",
                    "lastTransitionTime": "2026-12-03T00:00:00Z"}]}}
        """
            .formatted(name, name, name),
        SipLine.class);
  }

  private static Secret secret(String name, String password) {
    return JSON.unmarshal(
        """
        {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
         "metadata": {"name": "%s", "namespace": "acme-phones",
                      "annotations": {
                        "kubectl.kubernetes.io/last-applied-configuration": "{\\"data\\":{}}"},
                      "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
         "data": {"password": "%s"}}
        """
            .formatted(name, password),
        Secret.class);
  }
}
