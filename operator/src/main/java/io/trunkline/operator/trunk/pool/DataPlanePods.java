package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TrunkMetadata.labels;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.meta;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.poolName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.selector;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.serviceAccountName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.trunkLabels;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.trunk.EngineResources;
import io.trunkline.api.v1alpha1.trunk.PodResources;
import io.trunkline.api.v1alpha1.trunk.ResourceAmounts;
import io.trunkline.api.v1alpha1.trunk.Scaling;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the proxy and relay pods have in common: the account they run as, where they may be
 * scheduled, how their engine container is hardened, probed and told its settings.
 */
public final class DataPlanePods {

  public static final String ZONE_KEY = "topology.kubernetes.io/zone";
  public static final String HOSTNAME_KEY = "kubernetes.io/hostname";

  /** Where a container listens: on every address of its pod (or node, on the host network). */
  static final String ANY = "0.0.0.0";

  /** The engines' health and metrics address, for their TRUNKLINE_*OPS variables. */
  static final String OPS_ADDRESS = ANY + ":" + DataPlane.OPS_PORT;

  /**
   * Seconds of a pod's grace period after its drain bound, for its engine to end the calls still up
   * and close its sockets, so that the kubelet's SIGKILL finds it already gone.
   */
  static final int CLOSE_SECONDS = 10;

  private DataPlanePods() {}

  /** Every pod of the Deployment runs its current template. */
  public static boolean rolledOut(Deployment deployment) {
    var status = deployment.getStatus();
    return status != null
        && status.getReplicas() != null
        && Objects.equals(status.getObservedGeneration(), deployment.getMetadata().getGeneration())
        && Objects.equals(status.getUpdatedReplicas(), status.getReplicas());
  }

  /** The data plane needs no API access: its ServiceAccount mounts no token. */
  public static ServiceAccount serviceAccount(SipTrunk trunk) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(trunk, serviceAccountName(trunk), trunkLabels(trunk)))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  /** Voluntary evictions (node drains) take one pod of a pool at a time. */
  static PodDisruptionBudget disruptionBudget(SipTrunk trunk, String component) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(meta(trunk, poolName(trunk, component), labels(trunk, component)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withSelector(podSelector(trunk, component))
        .endSpec()
        .build();
  }

  static LabelSelector podSelector(SipTrunk trunk, String component) {
    return new LabelSelectorBuilder().withMatchLabels(selector(trunk, component)).build();
  }

  /** A pool's pod without its containers: account, grace period, security and placement. */
  static PodSpecBuilder podSpec(SipTrunk trunk, String component, long gracePeriodSeconds) {
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withServiceAccountName(serviceAccountName(trunk))
            .withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds(gracePeriodSeconds)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .withTopologySpreadConstraints(
                spread(trunk, component, ZONE_KEY), spread(trunk, component, HOSTNAME_KEY));
    List<String> zones = trunk.getSpec().getZones();
    if (zones != null && !zones.isEmpty()) {
      pod.editOrNewAffinity()
          .editOrNewNodeAffinity()
          .editOrNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm()
          .withMatchExpressions(
              new NodeSelectorRequirementBuilder()
                  .withKey(ZONE_KEY)
                  .withOperator("In")
                  .withValues(zones.stream().distinct().toList())
                  .build())
          .endNodeSelectorTerm()
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity()
          .endAffinity();
    }
    return pod;
  }

  /**
   * Spread as evenly as the nodes allow, but schedule anyway: when a zone is lost, its share must
   * come up in the surviving zones rather than stay pending.
   */
  private static TopologySpreadConstraint spread(SipTrunk trunk, String component, String key) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(key)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withLabelSelector(podSelector(trunk, component))
        .build();
  }

  /**
   * An engine's container without its ports and settings.
   *
   * @param resources what the trunk asks for this engine, null for the defaults
   */
  static ContainerBuilder engineContainer(String name, String image, EngineResources resources) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withLivenessProbe(probe(DataPlane.LIVE_PATH))
        .withReadinessProbe(probe(DataPlane.READY_PATH))
        .withResources(resources(resources))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  /**
   * The trunk's requests and limits for an engine, each one not given at its default (decision
   * 0037). The memory limit is always set: the engine's JVM sizes its heap from it, and without one
   * it would size it from the node's memory.
   */
  private static ResourceRequirements resources(EngineResources given) {
    ResourceAmounts requests = given == null ? null : given.getRequests();
    ResourceAmounts limits = given == null ? null : given.getLimits();
    ResourceRequirementsBuilder built =
        new ResourceRequirementsBuilder()
            .addToRequests(
                "cpu",
                quantity(requests == null ? null : requests.getCpu(), Defaults.POD_CPU_REQUEST))
            .addToRequests(
                "memory",
                quantity(
                    requests == null ? null : requests.getMemory(), Defaults.POD_MEMORY_REQUEST))
            .addToLimits(
                "memory",
                quantity(limits == null ? null : limits.getMemory(), Defaults.POD_MEMORY_LIMIT));
    if (limits != null && limits.getCpu() != null) {
      built.addToLimits("cpu", new Quantity(limits.getCpu()));
    }
    return built.build();
  }

  /** What the trunk asks for one pool's engine; null when it asks nothing. */
  static EngineResources engineResources(
      SipTrunk trunk, Function<PodResources, EngineResources> pool) {
    PodResources resources = trunk.getSpec().getResources();
    return resources == null ? null : pool.apply(resources);
  }

  private static Quantity quantity(String given, String otherwise) {
    return new Quantity(given == null ? otherwise : given);
  }

  private static Probe probe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(DataPlane.OPS_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(3)
        .build();
  }

  static ContainerPort opsPort() {
    return opsPort(DataPlane.OPS_PORT);
  }

  static ContainerPort opsPort(int port) {
    return port(DataPlane.OPS_PORT_NAME, port, "TCP");
  }

  /**
   * A pool on the host network: its pods bind the node's ports, so two of one pool must not share a
   * node, and cluster DNS must stay the pods' resolver.
   */
  static PodSpecBuilder onHostNetwork(PodSpecBuilder pod, SipTrunk trunk, String component) {
    return pod.withHostNetwork(true)
        .withDnsPolicy("ClusterFirstWithHostNet")
        .editOrNewAffinity()
        .editOrNewPodAntiAffinity()
        .addToRequiredDuringSchedulingIgnoredDuringExecution(
            new PodAffinityTermBuilder()
                .withTopologyKey(HOSTNAME_KEY)
                .withLabelSelector(podSelector(trunk, component))
                .build())
        .endPodAntiAffinity()
        .endAffinity();
  }

  /**
   * How a pool rolls: surge first, then drain the old pod; but with host ports a surge pod may find
   * no free node, so a pool on the host network replaces one pod at a time.
   */
  static DeploymentStrategy rollingUpdate(boolean hostNetwork) {
    return new DeploymentStrategyBuilder()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(hostNetwork ? 0 : 1))
        .withMaxUnavailable(new IntOrString(hostNetwork ? 1 : 0))
        .endRollingUpdate()
        .build();
  }

  static ContainerPort port(String name, int port, String protocol) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol(protocol)
        .build();
  }

  /** A Service port that reaches the pods' container port of the name {@code target}. */
  static ServicePort servicePort(String name, int port, String protocol, String target) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withProtocol(protocol)
        .withTargetPort(new IntOrString(target))
        .build();
  }

  /**
   * The trunk's drain bound: how long a terminating engine keeps carrying its live calls while it
   * takes no new ones. The trunk's own spec.scaling.drainSeconds, else the operator's.
   */
  static int drainSeconds(SipTrunk trunk, PoolSettings settings) {
    Scaling scaling = trunk.getSpec().getScaling();
    return scaling == null || scaling.getDrainSeconds() == null
        ? settings.drainSeconds()
        : scaling.getDrainSeconds();
  }

  /**
   * The grace period of a pod whose engine drains from SIGTERM on: the drain bound, then the time
   * to close.
   */
  static long gracePeriodSeconds(SipTrunk trunk, PoolSettings settings) {
    return (long) drainSeconds(trunk, settings) + CLOSE_SECONDS;
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  /** A variable read from a Secret's key when the container starts. */
  static EnvVar secretEnv(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  static EnvVar fieldEnv(String name, String fieldPath) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        // The API server fills in v1; saying it keeps every apply from seeing a difference.
        .withApiVersion("v1")
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /**
   * The pod's zone. Kubernetes 1.33+ copies the node's topology labels onto the pod when it is
   * bound (PodTopologyLabels admission, KEP-4742; behind a feature gate until it is on by default);
   * without them the variable is empty and the engine runs without a zone.
   */
  static EnvVar zoneEnv(String name) {
    return fieldEnv(name, "metadata.labels['" + ZONE_KEY + "']");
  }
}
