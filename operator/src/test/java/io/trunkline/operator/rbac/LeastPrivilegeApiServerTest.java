package io.trunkline.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.trunkline.api.config.Problem;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.LeaderElection;
import io.trunkline.operator.TestNamespace;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator under the chart's ServiceAccount and nothing more does its whole job, and may not do
 * what it has no business doing.
 */
@QuarkusTest
@TestProfile(LeastPrivilegeProfile.class)
class LeastPrivilegeApiServerTest {

  /** The operator's own client: it acts as the chart's ServiceAccount. */
  @Inject KubernetesClient operator;

  private KubernetesClient admin;
  private TestNamespace ns;

  @BeforeEach
  void adminSetsTheScene() throws IOException {
    String kubeconfig =
        Files.readString(Path.of(System.getProperty(KubeApiServerResource.ADMIN_KUBECONFIG)));
    admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    ns = new TestNamespace(admin);
  }

  @AfterEach
  void close() {
    admin.close();
  }

  @Test
  void reconcilesTrunksLinesAndStatusWithTheChartsRbac() {
    ns.apply(TestNamespace.trunkManifest("acme", ""));
    ns.apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: alice}
        spec: {trunk: acme, number: "+4930100", username: alice, credentialsSecret: missing}
        """);

    ns.await(Deployment.class, "acme-sip-proxy");
    ns.await(Deployment.class, "acme-media-relay");
    ns.await(Service.class, "acme-relay");
    ns.await(ConfigMap.class, "acme-config");
    ns.awaitReady(SipLine.class, "alice", Problem.CREDENTIALS_NOT_FOUND);
    ns.awaitEvent("alice", Problem.CREDENTIALS_NOT_FOUND);
    // The trunk's status is written once its whole reconciliation is done, after the dependents.
    await()
        .atMost(TestNamespace.WAIT)
        .untilAsserted(
            () ->
                assertThat(ns.get(SipTrunk.class, "acme").getStatus())
                    .isNotNull()
                    .extracting(status -> status.getSnapshotVersion())
                    .asString()
                    .isNotBlank());
    assertThat(
            admin
                .resources(Lease.class)
                .inNamespace(ChartRbacResource.NAMESPACE)
                .withName(LeaderElection.LEASE)
                .get())
        .as("the leader election Lease")
        .isNotNull();
  }

  @ParameterizedTest(name = "may not {0} {2}")
  @CsvSource({
    "create, trunkline.io, siptrunks",
    "delete, trunkline.io, siplines",
    "update, trunkline.io, routepolicies",
    "delete, '', namespaces",
    "create, '', pods",
    "create, rbac.authorization.k8s.io, clusterroles",
    "delete, apiextensions.k8s.io, customresourcedefinitions"
  })
  void isRefusedWhatItDoesNotNeed(String verb, String group, String resource) {
    var review =
        operator
            .authorization()
            .v1()
            .selfSubjectAccessReview()
            .create(
                new SelfSubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withNewResourceAttributes()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(resource)
                    .withNamespace(ns.name())
                    .endResourceAttributes()
                    .endSpec()
                    .build());

    assertThat(review.getStatus().getAllowed()).isFalse();
  }
}
