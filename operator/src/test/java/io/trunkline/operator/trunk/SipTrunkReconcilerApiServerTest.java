package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.KubeApiServerResource;
import io.trunkline.operator.TestNamespace;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.trunk.pool.DataPlane;
import io.trunkline.operator.trunk.pool.DataPlanePods;
import io.trunkline.operator.trunk.pool.RelayControl;
import io.trunkline.operator.trunk.pool.SnapshotObjects;
import io.trunkline.testing.tls.PemCertificate;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trunk reconciler against a real kube-apiserver: what a SipTrunk becomes, and its status. */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerResource.class, restrictToAnnotatedClass = false)
class SipTrunkReconcilerApiServerTest {

  private static final Duration WAIT = TestNamespace.WAIT;

  @Inject KubernetesClient client;
  @Inject Operator operator;

  private TestNamespace ns;
  private String namespace;

  @BeforeEach
  void freshNamespace() {
    ns = new TestNamespace(client);
    namespace = ns.name();
  }

  @Test
  void theDependentsOfOneKindShareOneInformer() {
    List<Class<?>> kinds =
        operator
            .getRegisteredController(SipTrunkReconciler.NAME)
            .orElseThrow()
            .getControllerHealthInfo()
            .informerEventSourceHealthIndicators()
            .values()
            .stream()
            .filter(InformerEventSource.class::isInstance)
            .<Class<?>>map(source -> ((InformerEventSource<?, ?>) source).resourceType())
            .toList();
    // Four Services, two Deployments, two Secrets and two budgets per trunk: with an informer per
    // dependent, each cached every object of its kind the operator made, once per dependent.
    assertThat(kinds)
        .contains(Service.class, Deployment.class, Secret.class, PodDisruptionBudget.class)
        .doesNotHaveDuplicates();
  }

  @Test
  void aTrunkBecomesItsPoolsWithOwnerReferences() {
    apply(
        TestNamespace.trunkManifest(
            "acme", "zones: [zone-a, zone-b, zone-c]\nscaling: {minReplicas: 2, maxReplicas: 6}"));

    Deployment proxy = awaitResource(Deployment.class, "acme-sip-proxy");
    Deployment relay = awaitResource(Deployment.class, "acme-media-relay");
    Service service = awaitResource(Service.class, "acme-sip");
    Service peers = awaitResource(Service.class, "acme-sip-peers");
    Service members = awaitResource(Service.class, "acme-sip-members");
    Service relays = awaitResource(Service.class, "acme-relay");
    ConfigMap snapshot = awaitResource(ConfigMap.class, "acme-config");
    awaitResource(Secret.class, "acme-credentials");
    Secret relayControl = awaitResource(Secret.class, "acme-relay-control");
    awaitResource(PodDisruptionBudget.class, "acme-sip-proxy");
    awaitResource(PodDisruptionBudget.class, "acme-media-relay");

    SipTrunk trunk = trunk("acme");
    for (HasMetadata owned :
        new HasMetadata[] {proxy, relay, service, peers, members, relays, snapshot, relayControl}) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as(owned.getMetadata().getName())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(trunk.getMetadata().getUid()));
    }
    assertThat(proxy.getSpec().getReplicas()).isEqualTo(2);
    assertThat(relay.getSpec().getReplicas()).isEqualTo(3);
    assertThat(proxy.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly(DataPlanePods.ZONE_KEY, DataPlanePods.HOSTNAME_KEY);
    assertThat(relay.getSpec().getTemplate().getSpec().getHostNetwork()).isTrue();
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getPort())
        .containsExactly("sip-udp/UDP/5060", "sip-tcp/TCP/5060");
    assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(members.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(members.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(relays.getSpec().getClusterIP()).isEqualTo("None");
    var proxyPod = proxy.getSpec().getTemplate().getSpec();
    assertThat(proxyPod.getContainers().get(0).getEnv())
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains(
            "TRUNKLINE_POOL_SIZE=6",
            "TRUNKLINE_MEMBERS=acme-sip-members." + namespace + ".svc:5060");
    // The API server keeps the preStop sleep action (KEP-3960) rather than dropping it.
    assertThat(proxyPod.getContainers().get(0).getLifecycle().getPreStop().getSleep().getSeconds())
        .isPositive();
    assertThat(proxyPod.getTerminationGracePeriodSeconds())
        .isGreaterThan(relay.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
    assertThat(relays.getSpec().getPorts())
        .extracting(p -> p.getName() + "/" + p.getProtocol() + "/" + p.getPort())
        .containsExactly("control/UDP/2223");
    TrunkConfig config =
        TrunkConfigJson.read(
            snapshot.getData().get(SnapshotObjects.CONFIG_FILE), TrunkConfig.class);
    assertThat(config.carriers())
        .extracting(TrunkConfig.Carrier::name)
        .containsExactly("carrier-a");
    assertThat(config.zones()).containsExactly("zone-a", "zone-b", "zone-c");
  }

  @Test
  void aLoadBalancerTrunksProxiesAdvertiseTheAddressTheLoadBalancerGets() {
    apply(
        TestNamespace.trunkManifest(
            "acme",
            "sip: {exposure: {type: LoadBalancer, serviceAnnotations: {example.com/pool: sip}}}"));
    Service service = awaitResource(Service.class, "acme-sip");

    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
    assertThat(service.getMetadata().getAnnotations()).containsEntry("example.com/pool", "sip");
    assertThat(advertised("acme-sip-proxy")).isEqualTo("acme-sip." + namespace + ".svc");

    // What a cloud's controller or MetalLB writes once the load balancer has its address.
    service.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("203.0.113.7")
            .endIngress()
            .endLoadBalancer()
            .build());
    client.resource(service).inNamespace(namespace).updateStatus();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(advertised("acme-sip-proxy")).isEqualTo("203.0.113.7"));
  }

  @Test
  void aNodePortTrunkIsReachedOnTheNodePortItNames() {
    apply(
        TestNamespace.trunkManifest("acme", "sip: {exposure: {type: NodePort, nodePort: 30061}}"));
    Service service = awaitResource(Service.class, "acme-sip");

    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getNodePort())
        .containsExactly("UDP/30061", "TCP/30061");
    assertThat(advertised("acme-sip-proxy")).isEqualTo("$(HOST_IP)");
  }

  /** Node ports are cluster-wide: one another Service holds fails the trunk's, and says so. */
  @Test
  void aNodePortAnotherServiceHoldsTurnsTheTrunkNotReadyNamingThePort() {
    apply(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: legacy-pbx}
        spec:
          type: NodePort
          selector: {app: legacy-pbx}
          ports: [{name: sip, protocol: UDP, port: 5060, nodePort: 30064}]
        """);
    apply(
        TestNamespace.trunkManifest("acme", "sip: {exposure: {type: NodePort, nodePort: 30064}}"));

    await().atMost(WAIT).until(() -> reason(trunk("acme"), "Ready"), RefusedObjects.REASON::equals);
    assertThat(message(trunk("acme"), "Ready"))
        .contains("acme-sip")
        .contains("30064")
        .contains("provided port is already allocated");
    assertThat(ns.awaitEvent("acme", RefusedObjects.REASON).getMessage()).contains("30064");
  }

  @Test
  void readyFollowsThePoolsAndThePrinterColumnsReadRight() {
    apply(TestNamespace.trunkManifest("office", "").replace("channels: 20", "channels: 5"));
    awaitResource(Deployment.class, "office-sip-proxy");
    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("office"), Conditions.READY), "PoolsNotReady"::equals);

    markReady("office-sip-proxy", 1);
    markReady("office-media-relay", 1);

    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("office"), Conditions.READY), "PoolsReady"::equals);
    SipTrunk trunk = trunk("office");
    assertThat(trunk.getStatus().getProxyReplicas()).isEqualTo(1);
    assertThat(trunk.getStatus().getRelayReplicas()).isEqualTo(1);
    assertThat(trunk.getStatus().getChannelUse()).isEqualTo("0/5");
    assertThat(trunk.getStatus().getObservedGeneration())
        .isEqualTo(trunk.getMetadata().getGeneration());
    assertThat(Conditions.isTrue(trunk.getStatus().getConditions(), "SnapshotCurrent")).isTrue();
    String table = ns.kubectl("get", "siptrunks");
    assertThat(table.lines().findFirst().orElseThrow().split("\\s{2,}"))
        .containsExactly(
            "NAME", "AGE", "CARRIERS UP", "CHANNELS", "READY", "SHARED STATE", "PROXIES");
    assertThat(table.lines().skip(1).findFirst().orElseThrow())
        .matches("office\\s+\\S+\\s+0/5\\s+True\\s+InMemory\\s+1\\s*");
  }

  @Test
  void podsTheApiServerRefusesTurnTheTrunkNotReadyInTheRefusalsWords() {
    apply(
        TestNamespace.trunkManifest(
            "office", "media: {mode: Bypass}\nresources: {proxy: {limits: {memory: 1Gi}}}"));
    Deployment proxies = awaitResource(Deployment.class, "office-sip-proxy");
    assertThat(proxies.getSpec().getTemplate().getSpec().getContainers().get(0).getResources())
        .satisfies(r -> assertThat(r.getLimits().get("memory")).hasToString("1Gi"))
        .satisfies(r -> assertThat(r.getRequests().get("memory")).hasToString("256Mi"));

    // What the deployment controller writes when a ResourceQuota refuses the pods.
    String refusal =
        "pods \"office-sip-proxy-5d8f7\" is forbidden: exceeded quota: compute, requested:"
            + " limits.memory=1Gi, used: limits.memory=0, limited: limits.memory=512Mi";
    proxies.setStatus(
        new DeploymentStatusBuilder()
            .addNewCondition()
            .withType("ReplicaFailure")
            .withStatus("True")
            .withReason("FailedCreate")
            .withMessage(refusal)
            .endCondition()
            .withObservedGeneration(proxies.getMetadata().getGeneration())
            .build());
    client.resource(proxies).inNamespace(namespace).updateStatus();

    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("office"), Conditions.READY), "PodsRefused"::equals);
    assertThat(message(trunk("office"), Conditions.READY))
        .isEqualTo("ready proxies: 0; sip-proxy pods refused: " + refusal);
    assertThat(ns.awaitEvent("office", "PodsRefused").getMessage()).contains("exceeded quota");

    markReady("office-sip-proxy", 1);
    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("office"), Conditions.READY), "PoolsReady"::equals);
  }

  @Test
  void linesAndPoliciesChangeTheSnapshotNotThePods() {
    apply(TestNamespace.trunkManifest("acme", ""));
    Deployment before = awaitResource(Deployment.class, "acme-sip-proxy");
    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: alice-sip}
        stringData: {password: "correct horse"}
        """);
    apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: alice}
        spec: {trunk: acme, number: "+4930100", username: alice, credentialsSecret: alice-sip}
        """);
    apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: RoutePolicy
        metadata: {name: outbound}
        spec:
          trunks: [acme]
          rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: carrier-a}]}]
        """);

    await()
        .atMost(WAIT)
        .until(
            () ->
                snapshotHolds(
                    "acme", config -> config.lines().size() == 1 && config.routes().size() == 1));
    Deployment after =
        client.apps().deployments().inNamespace(namespace).withName("acme-sip-proxy").get();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    Secret shard = client.secrets().inNamespace(namespace).withName("acme-lines-0").get();
    assertThat(LineShards.json(LineShards.read(shardFile(shard, 0))))
        .contains("\"alice\"")
        .doesNotContain("correct horse");
    Secret credentials = client.secrets().inNamespace(namespace).withName("acme-credentials").get();
    assertThat(SecretValues.value(credentials, SnapshotObjects.CREDENTIALS_FILE).orElseThrow())
        .doesNotContain("\"alice\"");
  }

  @Test
  void untilThePoolHasRolledAfterAnUpgradeTrunkJsonKeepsEveryLineForTheProxiesBeforeShards() {
    apply(TestNamespace.trunkManifest("acme", ""));
    applyLine("alice");
    await().atMost(WAIT).until(() -> snapshotHolds("acme", config -> config.lines().size() == 1));
    assertThat(trunkJson("acme").lines()).isEmpty();

    // As an operator from before decision 0027 left it: every line in trunk.json, no layout said.
    ConfigMap old = client.configMaps().inNamespace(namespace).withName("acme-config").get();
    old.getMetadata().setAnnotations(null);
    old.getData().put(SnapshotObjects.CONFIG_FILE, TrunkConfigJson.write(snapshot("acme")));
    client.resource(old).inNamespace(namespace).update();
    // No controller rolls the pool here, so its Deployment never says it has: older proxies may
    // still read trunk.json alone, and a new line must reach them there.
    applyLine("bob");
    await()
        .atMost(WAIT)
        .until(() -> trunkJson("acme").lines().size() == 2 && snapshot("acme").lines().size() == 2);
    // The credentials Secret is a dependent of its own, written beside the ConfigMap, not before.
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(credentialsJson("acme")).contains("\"bob\""));

    markReady("acme-sip-proxy", 1);
    await().atMost(WAIT).until(() -> trunkJson("acme").lines().isEmpty());
    assertThat(snapshot("acme").lines()).hasSize(2);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(credentialsJson("acme")).doesNotContain("\"bob\""));
  }

  @Test
  void shardsStayJsonUntilEveryProxyReadsThemGzippedThenStayGzipped() {
    apply(TestNamespace.trunkManifest("acme", ""));
    applyLine("alice");
    // A pool made by this operator reads gzip from its first pod on (its generation is 1).
    await().atMost(WAIT).until(() -> encodingOf("acme-lines-0") == Encoding.GZIP);

    // As an operator from before decision 0032 left them: pods that do not say they read gzip,
    // a shard of plain JSON. The operator gives the template its annotation back at once, and
    // no controller rolls the pool here, so the pods of the old template may still run.
    long generation =
        awaitResource(Deployment.class, "acme-sip-proxy").getMetadata().getGeneration();
    dropProxyTemplateAnnotations();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Deployment proxies = awaitResource(Deployment.class, "acme-sip-proxy");
              return proxies.getMetadata().getGeneration() > generation
                  && SnapshotObjects.readsGzippedShards(proxies);
            });
    Secret gzipped = client.secrets().inNamespace(namespace).withName("acme-lines-0").get();
    LineShard alice = LineShards.read(shardFile(gzipped, 0));
    gzipped.getMetadata().getAnnotations().put("trunkline.io/lines-version", alice.version());
    gzipped
        .getData()
        .put(
            LineShards.fileName(0),
            Base64.getEncoder().encodeToString(LineShards.file(alice, Encoding.JSON)));
    client.resource(gzipped).inNamespace(namespace).update();

    applyLine("bob");
    await().atMost(WAIT).until(() -> snapshot("acme").lines().size() == 2);
    assertThat(encodingOf("acme-lines-0")).isEqualTo(Encoding.JSON);
    assertThat(shardFile(client.secrets().inNamespace(namespace).withName("acme-lines-0").get(), 0))
        .startsWith('{');

    markReady("acme-sip-proxy", 1);
    await().atMost(WAIT).until(() -> encodingOf("acme-lines-0") == Encoding.GZIP);
    assertThat(snapshot("acme").lines()).hasSize(2);

    // Once gzip'd, the shards stay so through the next roll: the pods it replaces read gzip too.
    dropProxyTemplateAnnotations();
    applyLine("carol");
    await().atMost(WAIT).until(() -> snapshot("acme").lines().size() == 3);
    assertThat(encodingOf("acme-lines-0")).isEqualTo(Encoding.GZIP);
  }

  /**
   * Takes the annotations off acme's proxy pod template, as an operator from before decision 0032
   * made it. The operator puts them back: a new template, which leaves the pool rolling here.
   */
  private void dropProxyTemplateAnnotations() {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName("acme-sip-proxy")
        .edit(
            proxies -> {
              proxies.getSpec().getTemplate().getMetadata().setAnnotations(null);
              return proxies;
            });
  }

  private Encoding encodingOf(String shard) {
    Secret secret = client.secrets().inNamespace(namespace).withName(shard).get();
    return secret == null ? null : SnapshotObjects.encoding(secret);
  }

  private void applyLine(String name) {
    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s-sip}
        stringData: {password: "pw"}
        """
            .formatted(name));
    apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: %s}
        spec: {trunk: acme, number: "+4930%d", username: %s, credentialsSecret: %s-sip}
        """
            .formatted(name, Math.abs(name.hashCode() % 100000), name, name));
  }

  /** trunk.json alone, as a proxy from before decision 0027 reads it. */
  private TrunkConfig trunkJson(String trunk) {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(trunk + "-config").get();
    return TrunkConfigJson.read(map.getData().get(SnapshotObjects.CONFIG_FILE), TrunkConfig.class);
  }

  private String credentialsJson(String trunk) {
    Secret secret = client.secrets().inNamespace(namespace).withName(trunk + "-credentials").get();
    return SecretValues.value(secret, SnapshotObjects.CREDENTIALS_FILE).orElseThrow();
  }

  @Test
  void aTrunksLinesSpreadOverShardsAndALinesChangeRewritesOnlyItsShard() {
    // Two lines a shard in the tests (application.properties): five lines take four shards.
    apply(TestNamespace.trunkManifest("acme", ""));
    for (int i = 0; i < 5; i++) {
      apply(
          """
          apiVersion: v1
          kind: Secret
          metadata: {name: line-%d-sip}
          stringData: {password: "pw-%d"}
          """
              .formatted(i, i));
      apply(
          """
          apiVersion: trunkline.io/v1alpha1
          kind: SipLine
          metadata: {name: line-%d}
          spec: {trunk: acme, number: "+493010%d", username: u%d, credentialsSecret: line-%d-sip}
          """
              .formatted(i, i, i, i));
    }
    // The status names the version of the whole snapshot, its shards included.
    await()
        .atMost(WAIT)
        .until(
            () ->
                snapshotHolds("acme", config -> config.lines().size() == 5)
                    && trunk("acme").getStatus() != null
                    && snapshot("acme")
                        .version()
                        .equals(trunk("acme").getStatus().getSnapshotVersion()));
    Deployment proxy = awaitResource(Deployment.class, "acme-sip-proxy");
    List<Secret> before = shards("acme");
    assertThat(before).hasSize(4);

    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: line-3-sip}
        stringData: {password: "a new one"}
        """);

    int changed = LineShards.shardOf("line-3", 4);
    await()
        .atMost(WAIT)
        .until(
            () ->
                !version(shards("acme").get(changed)).equals(version(before.get(changed)))
                    && trunk("acme")
                        .getStatus()
                        .getSnapshotVersion()
                        .equals(snapshot("acme").version()));
    List<Secret> after = shards("acme");
    for (int i = 0; i < 4; i++) {
      if (i != changed) {
        assertThat(after.get(i).getMetadata().getResourceVersion())
            .as("shard %d, which holds no changed line", i)
            .isEqualTo(before.get(i).getMetadata().getResourceVersion());
      }
    }
    assertThat(snapshot("acme").lines()).hasSize(5);
    // The pods name every shard a trunk may have, so the change rolls no pod.
    assertThat(awaitResource(Deployment.class, "acme-sip-proxy").getMetadata().getGeneration())
        .isEqualTo(proxy.getMetadata().getGeneration());
  }

  @Test
  void aLinesSecretAppliedAfterTheLineBringsItIntoItsTrunksSnapshot() {
    apply(TestNamespace.trunkManifest("acme", ""));
    apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipLine
        metadata: {name: alice}
        spec: {trunk: acme, number: "+4930100", username: alice, credentialsSecret: alice-sip}
        """);
    awaitResource(ConfigMap.class, "acme-config");
    assertThat(snapshot("acme").lines()).isEmpty();

    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: alice-sip}
        stringData: {password: "correct horse"}
        """);
    // Within the trunk's resync period: the Secret's own event, mapped through the line that
    // names it, has to bring the line in.
    await()
        .atMost(SipTrunkReconciler.RESYNC.dividedBy(2))
        .until(() -> snapshotHolds("acme", config -> config.lines().size() == 1));
  }

  @Test
  void aBrokenPolicyKeepsTheLastGoodSnapshotAndSaysWhy() {
    apply(TestNamespace.trunkManifest("acme", ""));
    awaitResource(ConfigMap.class, "acme-config");
    String good = snapshot("acme").version();

    apply(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: RoutePolicy
        metadata: {name: typo}
        spec:
          trunks: [acme]
          rules: [{name: all, match: {prefixes: ["+"]}, route: [{carrier: carrier-b}]}]
        """);

    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("acme"), "SnapshotCurrent"), "InvalidRoute"::equals);
    assertThat(snapshot("acme").version()).isEqualTo(good);
    assertThat(message(trunk("acme"), "SnapshotCurrent"))
        .contains("RoutePolicy typo: rule all: carrier carrier-b is not a carrier of trunk acme");
    ns.awaitEvent("acme", "InvalidRoute");
  }

  @Test
  void theStoreSecretIsCheckedAndTheConditionSaysHowTheReplicasShareTheTrunk() {
    apply(TestNamespace.trunkManifest("acme", "scaling: {maxReplicas: 3}"));
    await().atMost(WAIT).until(() -> reason(trunk("acme"), "SharedState"), "Shares"::equals);
    assertThat(message(trunk("acme"), "SharedState")).contains("1/3 of the channels");
    // A pool the spec left without a store is no fault: the condition says so, no Event.
    assertThat(ns.events("acme")).noneMatch(e -> "Shares".equals(e.getReason()));

    apply(
        TestNamespace.trunkManifest(
            "acme", "scaling: {maxReplicas: 3}\nstore: {secretName: acme-store}"));
    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("acme"), "SharedState"), "StoreSecretInvalid"::equals);
    assertThat(message(trunk("acme"), "SharedState"))
        .isEqualTo("Secret acme-store not found: new proxy pods cannot start");
    assertThat(ns.awaitEvent("acme", "StoreSecretInvalid").getMessage()).contains("acme-store");
    await()
        .atMost(WAIT)
        .until(
            () ->
                proxyEnv("acme-sip-proxy").stream()
                    .anyMatch(
                        e ->
                            e.getName().equals("TRUNKLINE_STORE_ADDRESS")
                                && e.getValueFrom()
                                    .getSecretKeyRef()
                                    .getName()
                                    .equals("acme-store")));

    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: acme-store}
        stringData: {password: "correct horse"}
        """);
    await()
        .atMost(WAIT)
        .until(
            () -> message(trunk("acme"), "SharedState"),
            "Secret acme-store has no key address: new proxy pods cannot start"::equals);

    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: acme-store}
        stringData: {address: "redis.data.svc:6379", password: "correct horse"}
        """);
    await().atMost(WAIT).until(() -> reason(trunk("acme"), "SharedState"), "Shared"::equals);
    assertThat(Conditions.isTrue(trunk("acme").getStatus().getConditions(), "SharedState"))
        .isTrue();
  }

  @Test
  void theCarriersCaSecretIsCheckedAndMountedIntoTheProxies(@TempDir Path work) throws Exception {
    apply(TestNamespace.trunkManifest("acme", ""));
    await().atMost(WAIT).until(() -> reason(trunk("acme"), "CarrierTrust"), "JdkAnchors"::equals);
    assertThat(proxyEnv("acme-sip-proxy"))
        .extracting(EnvVar::getName)
        .doesNotContain("TRUNKLINE_CARRIER_CA");

    apply(TestNamespace.trunkManifest("acme", "carrierCa: {secretName: acme-carrier-ca}"));
    await()
        .atMost(WAIT)
        .until(() -> reason(trunk("acme"), "CarrierTrust"), "CarrierCaSecretInvalid"::equals);
    assertThat(message(trunk("acme"), "CarrierTrust"))
        .isEqualTo("Secret acme-carrier-ca not found: new proxy pods cannot start");
    assertThat(ns.awaitEvent("acme", "CarrierCaSecretInvalid").getMessage())
        .contains("acme-carrier-ca");
    await()
        .atMost(WAIT)
        .until(
            () ->
                proxyEnv("acme-sip-proxy").stream()
                    .anyMatch(
                        e ->
                            e.getName().equals("TRUNKLINE_CARRIER_CA")
                                && e.getValue().equals("/etc/trunkline/carrier-ca/ca.crt")));
    Deployment proxy = ns.get(Deployment.class, "acme-sip-proxy");
    assertThat(proxy.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "carrier-ca".equals(v.getName()))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("acme-carrier-ca");
              assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo("ca.crt");
            });

    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: acme-carrier-ca}
        stringData: {tls.crt: "not the CA"}
        """);
    await()
        .atMost(WAIT)
        .until(
            () -> message(trunk("acme"), "CarrierTrust"),
            "Secret acme-carrier-ca has no key ca.crt: new proxy pods cannot start"::equals);

    PemCertificate authority =
        PemCertificate.selfSigned(
            work.resolve("ca.crt"), work.resolve("ca.key"), "Carriers CA", "DNS:ca.invalid");
    apply(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: acme-carrier-ca}
        stringData:
          ca.crt: |
        %s"""
            .formatted(Files.readString(authority.certificate()).indent(4)));
    await().atMost(WAIT).until(() -> reason(trunk("acme"), "CarrierTrust"), "CarrierCa"::equals);
    assertThat(Conditions.isTrue(trunk("acme").getStatus().getConditions(), "CarrierTrust"))
        .isTrue();
  }

  @Test
  void theTrunksRelayControlKeyIsMadeOnceAndANewOneRollsBothPools() throws Exception {
    apply(TestNamespace.trunkManifest("acme", ""));
    String key = relayControlKey();

    assertThat(key).matches("[0-9a-f]{64}");
    for (String pool : List.of("acme-sip-proxy", "acme-media-relay")) {
      var template = awaitResource(Deployment.class, pool).getSpec().getTemplate();
      assertThat(template.getMetadata().getAnnotations())
          .as(pool)
          .containsEntry(RelayControl.KEY_HASH_ANNOTATION, sha256(key));
      assertThat(template.getSpec().getContainers().get(0).getEnv())
          .filteredOn(e -> e.getName().equals("TRUNKLINE_RELAY_CONTROL_KEY"))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("acme-relay-control");
                assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("key");
              });
    }

    // A change that re-renders the pools leaves the key as it is.
    apply(TestNamespace.trunkManifest("acme", "scaling: {drainSeconds: 300}"));
    await()
        .atMost(WAIT)
        .until(
            () ->
                proxyEnv("acme-sip-proxy").stream()
                    .anyMatch(
                        e ->
                            e.getName().equals("TRUNKLINE_DRAIN_SECONDS")
                                && "300".equals(e.getValue())));
    assertThat(relayControlKey()).isEqualTo(key);

    // Rotation (decision 0009): delete the Secret; the operator makes a new key, and both pools
    // roll to read it.
    client.secrets().inNamespace(namespace).withName("acme-relay-control").delete();
    await().atMost(WAIT).until(() -> !key.equals(relayControlKeyNow()));
    String rotated = relayControlKey();
    for (String pool : List.of("acme-sip-proxy", "acme-media-relay")) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .apps()
                              .deployments()
                              .inNamespace(namespace)
                              .withName(pool)
                              .get()
                              .getSpec()
                              .getTemplate()
                              .getMetadata()
                              .getAnnotations())
                      .as(pool)
                      .containsEntry(RelayControl.KEY_HASH_ANNOTATION, sha256(rotated)));
    }
  }

  @Test
  void bypassRemovesTheRelaysAndHpaModeAddsAnAutoscaler() {
    apply(TestNamespace.trunkManifest("acme", ""));
    awaitResource(Deployment.class, "acme-media-relay");
    awaitResource(Service.class, "acme-relay");

    apply(
        TestNamespace.trunkManifest(
            "acme",
            "media: {mode: Bypass}\n"
                + "scaling: {mode: HPA, minReplicas: 2, maxReplicas: 8, sessionsPerReplica: 150}"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName("acme-media-relay")
                        .get()
                    == null);
    await()
        .atMost(WAIT)
        .until(() -> client.services().inNamespace(namespace).withName("acme-relay").get() == null);
    // The autoscaler depends on the proxy's Deployment, so once it exists the proxy is updated too.
    HorizontalPodAutoscaler hpa = awaitResource(HorizontalPodAutoscaler.class, "acme-sip-proxy");
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("acme-sip-proxy")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv())
        .extracting(e -> e.getName())
        .doesNotContain("TRUNKLINE_RELAYS");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
    assertThat(hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName())
        .isEqualTo(DataPlane.SESSIONS_METRIC);
  }

  private String advertised(String deployment) {
    awaitResource(Deployment.class, deployment);
    return proxyEnv(deployment).stream()
        .filter(e -> e.getName().equals("TRUNKLINE_ADVERTISED_ADDRESS"))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  /** The environment of the proxy container, as the API server holds it now. */
  private List<EnvVar> proxyEnv(String deployment) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv();
  }

  /** The trunk's relay control key, once its Secret exists. */
  private String relayControlKey() {
    awaitResource(Secret.class, "acme-relay-control");
    return relayControlKeyNow();
  }

  private String relayControlKeyNow() {
    Secret secret = client.secrets().inNamespace(namespace).withName("acme-relay-control").get();
    return secret == null ? null : RelayControl.key(secret).orElse(null);
  }

  private static String sha256(String text) throws NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
  }

  private void apply(String yaml) {
    ns.apply(yaml);
  }

  private SipTrunk trunk(String name) {
    return client.resources(SipTrunk.class).inNamespace(namespace).withName(name).get();
  }

  /**
   * Whether the trunk's snapshot is written and holds {@code condition}: the operator may not have
   * written it yet when an await first asks.
   */
  private boolean snapshotHolds(String trunk, Predicate<TrunkConfig> condition) {
    return client.configMaps().inNamespace(namespace).withName(trunk + "-config").get() != null
        && condition.test(snapshot(trunk));
  }

  /** The trunk's snapshot as its proxies read it: the ConfigMap's, with its line shards. */
  private TrunkConfig snapshot(String trunk) {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(trunk + "-config").get();
    TrunkConfig config =
        TrunkConfigJson.read(map.getData().get(SnapshotObjects.CONFIG_FILE), TrunkConfig.class);
    List<Secret> shards = shards(trunk);
    List<LineShard> lines = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      lines.add(LineShards.read(shardFile(shards.get(i), i)));
    }
    return LineShards.join(config, lines);
  }

  /** The trunk's line shards, shard i at index i, up to the first that does not exist. */
  private List<Secret> shards(String trunk) {
    List<Secret> shards = new ArrayList<>();
    for (int i = 0; i < LineShards.MAX_SHARDS; i++) {
      Secret shard = client.secrets().inNamespace(namespace).withName(trunk + "-lines-" + i).get();
      if (shard == null) {
        break;
      }
      shards.add(shard);
    }
    return shards;
  }

  /** Shard {@code i}'s file as the proxies read it, gzip'd or not. */
  private static byte[] shardFile(Secret shard, int i) {
    return Base64.getDecoder().decode(shard.getData().get(LineShards.fileName(i)));
  }

  private static String version(Secret shard) {
    return SnapshotObjects.lineShardVersion(shard).orElseThrow();
  }

  private <T extends HasMetadata> T awaitResource(Class<T> type, String name) {
    return ns.await(type, name);
  }

  private void markReady(String deployment, int replicas) {
    Deployment current =
        client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    current.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withObservedGeneration(current.getMetadata().getGeneration())
            .build());
    client.resource(current).inNamespace(namespace).updateStatus();
  }

  private static String reason(SipTrunk trunk, String type) {
    return trunk == null || trunk.getStatus() == null
        ? null
        : Conditions.find(trunk.getStatus().getConditions(), type)
            .map(c -> c.getReason())
            .orElse(null);
  }

  private static String message(SipTrunk trunk, String type) {
    return Conditions.find(trunk.getStatus().getConditions(), type)
        .map(c -> c.getMessage())
        .orElse(null);
  }
}
