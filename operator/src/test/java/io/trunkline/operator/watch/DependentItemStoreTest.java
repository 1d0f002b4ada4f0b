package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.trunk.SipTrunkReconciler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What the dependents' informers cache: each object whole, its managedFields as immutable maps that
 * server-side apply's matching reads as it read the maps Fabric8 made.
 */
class DependentItemStoreTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** Not connected: the matcher only takes its serialization. */
  private static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();

  /** A proxy's Deployment as the API server returns it after the operator applied it. */
  private static final String ACTUAL =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: acme-sip-proxy
        namespace: phones
        uid: 0b6c1a9e-1111-4c6e-9f3e-3c1b2f6a7d10
        resourceVersion: "4711"
        labels: {app.kubernetes.io/name: sip-proxy, trunkline.io/trunk: acme}
        managedFields:
        - manager: siptrunk
          operation: Apply
          apiVersion: apps/v1
          fieldsType: FieldsV1
          fieldsV1:
            f:metadata:
              f:labels: {.: {}, f:app.kubernetes.io/name: {}, f:trunkline.io/trunk: {}}
            f:spec:
              f:replicas: {}
              f:selector: {}
              f:template:
                f:metadata:
                  f:labels: {.: {}, f:app.kubernetes.io/name: {}}
                f:spec:
                  f:containers:
                    k:{"name":"sip-proxy"}:
                      .: {}
                      f:env:
                        k:{"name":"TRUNK"}: {.: {}, f:name: {}, f:value: {}}
                        k:{"name":"ZONE"}: {.: {}, f:name: {}, f:value: {}}
                      f:image: {}
                      f:name: {}
        - manager: kube-controller-manager
          operation: Update
          apiVersion: apps/v1
          subresource: status
          fieldsType: FieldsV1
          fieldsV1:
            f:status: {f:replicas: {}, f:readyReplicas: {}}
      spec:
        replicas: 2
        selector: {matchLabels: {app.kubernetes.io/name: sip-proxy}}
        template:
          metadata:
            labels: {app.kubernetes.io/name: sip-proxy}
          spec:
            containers:
            - name: sip-proxy
              image: trunkline/sip-proxy:1
              imagePullPolicy: IfNotPresent
              terminationMessagePath: /dev/termination-log
              env:
              - {name: TRUNK, value: acme}
              - {name: ZONE, value: a}
      status: {replicas: 2, readyReplicas: 2}
      """;

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  @Test
  void keepsEveryManagedFieldInMapsNothingCanChange() {
    Deployment original = JSON.unmarshal(ACTUAL, Deployment.class);
    var store = new DependentItemStore<Deployment>();
    store.put("phones/acme-sip-proxy", JSON.unmarshal(ACTUAL, Deployment.class));
    Deployment cached = store.get("phones/acme-sip-proxy");

    List<ManagedFieldsEntry> fields = cached.getMetadata().getManagedFields();
    assertThat(fields).hasSize(2);
    for (int i = 0; i < fields.size(); i++) {
      Map<String, Object> tree = fields.get(i).getFieldsV1().getAdditionalProperties();
      assertThat(tree)
          .isEqualTo(
              original
                  .getMetadata()
                  .getManagedFields()
                  .get(i)
                  .getFieldsV1()
                  .getAdditionalProperties());
      assertEveryMapImmutable(tree);
    }
    // Still what the resource was, to anything that reads or copies it.
    assertThat(JSON.convertValue(cached, Map.class))
        .isEqualTo(JSON.convertValue(original, Map.class));
  }

  @Test
  void aFieldRecordHoldingANullIsKeptAsItCame() {
    String odd = ACTUAL.replace("f:replicas: {}", "f:replicas: null");
    Deployment original = JSON.unmarshal(odd, Deployment.class);

    Deployment cached = DependentItemStore.compact(JSON.unmarshal(odd, Deployment.class));

    assertThat(
            cached.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties())
        .isEqualTo(
            original
                .getMetadata()
                .getManagedFields()
                .get(0)
                .getFieldsV1()
                .getAdditionalProperties())
        .extractingByKey("f:spec")
        .asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsEntry("f:replicas", null);
  }

  @Test
  void serverSideApplysMatchingFindsWhatItFoundBefore() {
    var matcher = SSABasedGenericKubernetesResourceMatcher.<Deployment>getInstance();
    Deployment original = JSON.unmarshal(ACTUAL, Deployment.class);
    Deployment cached = DependentItemStore.compact(JSON.unmarshal(ACTUAL, Deployment.class));
    Context<SipTrunk> context = context();

    Deployment unchanged = desired("trunkline/sip-proxy:1", "a");
    assertThat(matcher.matches(original, unchanged, context)).isTrue();
    assertThat(matcher.matches(cached, unchanged, context)).isTrue();

    for (Deployment changed :
        List.of(desired("trunkline/sip-proxy:2", "a"), desired("trunkline/sip-proxy:1", "b"))) {
      assertThat(matcher.matches(original, changed, context)).isFalse();
      assertThat(matcher.matches(cached, changed, context)).isFalse();
    }
  }

  private static Deployment desired(String image, String zone) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("acme-sip-proxy")
        .withNamespace("phones")
        .withLabels(Map.of("app.kubernetes.io/name", "sip-proxy", "trunkline.io/trunk", "acme"))
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .withMatchLabels(Map.of("app.kubernetes.io/name", "sip-proxy"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app.kubernetes.io/name", "sip-proxy"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("sip-proxy")
        .withImage(image)
        .addNewEnv()
        .withName("TRUNK")
        .withValue("acme")
        .endEnv()
        .addNewEnv()
        .withName("ZONE")
        .withValue(zone)
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The two things the matcher asks of its context: the field manager and the serialization. */
  @SuppressWarnings("unchecked")
  private static Context<SipTrunk> context() {
    ControllerConfiguration<SipTrunk> configuration =
        (ControllerConfiguration<SipTrunk>)
            Proxy.newProxyInstance(
                DependentItemStoreTest.class.getClassLoader(),
                new Class<?>[] {ControllerConfiguration.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("fieldManager")) {
                    return SipTrunkReconciler.NAME;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return (Context<SipTrunk>)
        Proxy.newProxyInstance(
            DependentItemStoreTest.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getControllerConfiguration" -> configuration;
                  case "getClient" -> CLIENT;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  @SuppressWarnings("unchecked")
  private static void assertEveryMapImmutable(Map<String, Object> tree) {
    assertThatThrownBy(() -> tree.put("f:more", Map.of()))
        .isInstanceOf(UnsupportedOperationException.class);
    tree.values().forEach(value -> assertEveryMapImmutable((Map<String, Object>) value));
  }
}
