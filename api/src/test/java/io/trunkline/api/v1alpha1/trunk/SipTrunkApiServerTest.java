package io.trunkline.api.v1alpha1.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.trunkline.testing.kube.TestBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SipTrunk CRD as committed in crds/, served by a real kube-apiserver: what users apply is
 * accepted with its defaults, and what breaks the schema (OpenAPI or CEL) is refused with a message
 * that names the field.
 */
@EnableKubeAPIServer(kubeAPIVersion = TestBinaries.KUBERNETES_VERSION)
class SipTrunkApiServerTest {

  private static final Path CRD =
      TestBinaries.repositoryRoot().resolve("crds/siptrunks.trunkline.io-v1.yml");

  @KubeConfig static String kubeConfig;

  private static KubernetesClient client;
  private String namespace;

  @BeforeAll
  static void installCrd() {
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfig)).build();
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).item();
    client.resource(crd).serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c.getStatus() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            cond ->
                                "Established".equals(cond.getType())
                                    && "True".equals(cond.getStatus())),
            30,
            TimeUnit.SECONDS);
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @BeforeEach
  void freshNamespace() {
    namespace = "test-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
  }

  @Test
  void acceptsATrunkAndFillsItsDefaults() {
    client.resource(trunk("acme-main")).inNamespace(namespace).create();

    SipTrunk stored =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme-main").get();

    assertThat(stored.getSpec().getChannels()).isEqualTo(20);
    assertThat(stored.getSpec().getQos().getSignallingDscp()).isEqualTo(24);
    assertThat(stored.getSpec().getQos().getMediaDscp()).isEqualTo(46);
    Carrier carrier = stored.getSpec().getCarriers().get(0);
    assertThat(carrier.getTransport()).isEqualTo(SipTransport.UDP);
    assertThat(carrier.getPriority()).isEqualTo(1);
    assertThat(carrier.getWeight()).isEqualTo(100);
    assertThat(stored.getSpec().getScaling().getSessionsPerReplica()).isEqualTo(200);
  }

  @Test
  void statusIsASubresource() {
    SipTrunk created = client.resource(trunk("acme-status")).inNamespace(namespace).create();
    SipTrunkStatus status = new SipTrunkStatus();
    status.setObservedGeneration(created.getMetadata().getGeneration());
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("PoolsReady")
                .withMessage("proxies and relays are running")
                .withLastTransitionTime("2026-11-21T12:00:00Z")
                .build()));
    created.setStatus(status);

    client.resource(created).inNamespace(namespace).updateStatus();
    SipTrunk edited =
        client.resources(SipTrunk.class).inNamespace(namespace).withName("acme-status").get();
    edited.getSpec().setChannels(30);
    edited.setStatus(null);
    SipTrunk afterSpecEdit = client.resource(edited).inNamespace(namespace).update();

    assertThat(afterSpecEdit.getSpec().getChannels()).isEqualTo(30);
    assertThat(afterSpecEdit.getMetadata().getGeneration()).isEqualTo(2);
    assertThat(afterSpecEdit.getStatus().getObservedGeneration()).isEqualTo(1);
    assertThat(afterSpecEdit.getStatus().getConditions())
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("PoolsReady"));
  }

  /**
   * Each row is a spec that breaks one rule, as a user would write it in YAML; the API server must
   * refuse it and name the field. The last two rows are CEL rules on the model.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          channels below one        | {channels: 0, carriers: [{name: a, address: 127.0.0.1}]}                    | spec.channels               | should be greater than or equal to 1
          channels missing          | {carriers: [{name: a, address: 127.0.0.1}]}                                 | spec.channels               | Required value
          carriers missing          | {channels: 20}                                                              | spec.carriers               | Required value
          carriers empty            | {channels: 20, carriers: []}                                                | spec.carriers               | should have at least 1 items
          carrier name not a label  | {channels: 20, carriers: [{name: Carrier_A, address: 127.0.0.1}]}           | spec.carriers[0].name       | should match
          carrier address with path | {channels: 20, carriers: [{name: a, address: 127.0.0.1/x}]}                 | spec.carriers[0].address    | should match
          unknown transport         | {channels: 20, carriers: [{name: a, address: 127.0.0.1, transport: SCTP}]}  | spec.carriers[0].transport  | Unsupported value
          media DSCP above 63       | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], qos: {mediaDscp: 64}}      | spec.qos.mediaDscp      | should be less than or equal to 63
          signalling DSCP negative  | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], qos: {signallingDscp: -1}} | spec.qos.signallingDscp | should be greater than or equal to 0
          CEL scaling bounds        | {channels: 20, carriers: [{name: a, address: 127.0.0.1}], scaling: {minReplicas: 5, maxReplicas: 2}} | spec.scaling | minReplicas must not exceed maxReplicas
          CEL unique carriers       | {channels: 20, carriers: [{name: a, address: 127.0.0.1}, {name: a, address: 127.0.0.2}]} | spec.carriers | carrier names must be unique within a trunk
          """)
  void refusesAnInvalidTrunkNamingTheField(String rule, String spec, String field, String message) {
    String manifest =
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata:
          name: broken
        spec: %s
        """
            .formatted(spec);

    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> client.resource(manifest).inNamespace(namespace).create());

    assertThat(refused).as(rule + " was accepted").isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains(field).contains(message);
    assertThat(refused.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains(field);
  }

  private static SipTrunk trunk(String name) {
    Carrier carrier = new Carrier();
    carrier.setName("carrier-a");
    carrier.setAddress("127.0.0.1:5060");
    SipTrunkSpec spec = new SipTrunkSpec();
    spec.setChannels(20);
    spec.setCarriers(List.of(carrier));
    spec.setQos(new Qos());
    spec.setScaling(new Scaling());
    SipTrunk trunk = new SipTrunk();
    trunk.getMetadata().setName(name);
    trunk.setSpec(spec);
    return trunk;
  }
}
