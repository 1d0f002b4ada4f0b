package io.trunkline.operator.trunk;

import static java.util.Objects.requireNonNullElse;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.config.TrunkCredentials;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.trunk.Media;
import io.trunkline.api.v1alpha1.trunk.Scaling;
import io.trunkline.api.v1alpha1.trunk.ScalingMode;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.scaling.SessionAutoscaler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects a SipTrunk becomes, as pure functions of the trunk (and its compiled
 * snapshot): testable without a cluster, applied by the dependent resources.
 */
public final class TrunkPools {

  public static final String PROXY = "sip-proxy";
  public static final String RELAY = "media-relay";
  public static final String MANAGED_BY = "trunkline-operator";

  /** Selects what the operator made, so its informers cache nothing else. */
  public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + MANAGED_BY;

  public static final String TRUNK_LABEL = "trunkline.io/trunk";
  public static final String ZONE_KEY = "topology.kubernetes.io/zone";
  public static final String HOSTNAME_KEY = "kubernetes.io/hostname";

  public static final String CONFIG_FILE = "trunk.json";
  public static final String CREDENTIALS_FILE = "credentials.json";
  static final String CONFIG_DIR = "/etc/trunkline/config";
  static final String CREDENTIALS_DIR = "/etc/trunkline/credentials";
  static final String TLS_DIR = "/etc/trunkline/tls";

  /** HTTP port of health (/q/health) and metrics (/q/metrics) in every data-plane pod. */
  public static final int HTTP_PORT = 8080;

  /** UDP port of the relay control protocol (decision 0009) the proxies call the relays on. */
  public static final int RELAY_CONTROL_PORT = 2223;

  /**
   * Seconds a proxy keeps of its grace period to close its sockets after draining, so that the
   * kubelet's SIGKILL finds it already gone.
   */
  static final int CLOSE_SECONDS = 10;

  /** Where a container listens: on every address of its pod (or node, on the host network). */
  private static final String ANY = "0.0.0.0";

  /** The name of the session gauge the proxies export and the autoscalers read. */
  public static final String SESSIONS_METRIC = "trunkline_sessions";

  private TrunkPools() {}

  public static String proxyName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-" + PROXY;
  }

  public static String relayName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-" + RELAY;
  }

  public static String configMapName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-config";
  }

  public static String credentialsName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-credentials";
  }

  public static String serviceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-sip";
  }

  public static String peersServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-sip-peers";
  }

  /** The relay pool's headless Service: one DNS A record per ready relay. */
  public static String relayServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-relay";
  }

  public static String serviceAccountName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-dataplane";
  }

  /** Labels of one pool's pods; the first three are its selector. */
  public static Map<String, String> labels(SipTrunk trunk, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", component);
    labels.put("app.kubernetes.io/instance", trunk.getMetadata().getName());
    labels.put(TRUNK_LABEL, trunk.getMetadata().getName());
    labels.put("app.kubernetes.io/part-of", "trunkline");
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    return labels;
  }

  static Map<String, String> selector(SipTrunk trunk, String component) {
    return Map.of(
        "app.kubernetes.io/name",
        component,
        "app.kubernetes.io/instance",
        trunk.getMetadata().getName(),
        TRUNK_LABEL,
        trunk.getMetadata().getName());
  }

  /** Labels for objects of the trunk that belong to no one pool. */
  static Map<String, String> trunkLabels(SipTrunk trunk) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/instance", trunk.getMetadata().getName());
    labels.put(TRUNK_LABEL, trunk.getMetadata().getName());
    labels.put("app.kubernetes.io/part-of", "trunkline");
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    return labels;
  }

  /** The compiled snapshot; the proxies reload it when the mounted file changes. */
  public static ConfigMap configMap(SipTrunk trunk, TrunkConfig config) {
    return configMap(trunk, TrunkConfigJson.write(config));
  }

  /** The snapshot ConfigMap holding already written snapshot JSON (the last good one). */
  public static ConfigMap configMap(SipTrunk trunk, String snapshotJson) {
    return new ConfigMapBuilder()
        .withMetadata(meta(trunk, configMapName(trunk), trunkLabels(trunk)))
        .addToData(CONFIG_FILE, snapshotJson)
        .build();
  }

  /** Digest hashes of lines and PBX, carrier logins: never in the ConfigMap. */
  public static Secret credentialsSecret(SipTrunk trunk, TrunkCredentials credentials) {
    // data, not stringData: the API server stores data, and comparing like with like keeps the
    // dependent from rewriting an unchanged Secret on every reconcile.
    byte[] json = TrunkConfigJson.write(credentials).getBytes(StandardCharsets.UTF_8);
    return new SecretBuilder()
        .withMetadata(meta(trunk, credentialsName(trunk), trunkLabels(trunk)))
        .withType("Opaque")
        .addToData(CREDENTIALS_FILE, Base64.getEncoder().encodeToString(json))
        .build();
  }

  /** The data plane needs no API access: its ServiceAccount mounts no token. */
  public static ServiceAccount serviceAccount(SipTrunk trunk) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(trunk, serviceAccountName(trunk), trunkLabels(trunk)))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  /**
   * The SIP proxy pool. {@code replicas} is null in HPA mode, so that the operator's apply never
   * fights the HorizontalPodAutoscaler over the field.
   */
  public static Deployment proxyDeployment(
      SipTrunk trunk, PoolSettings settings, Integer replicas) {
    TrunkConfig.Listener sip = listener(trunk);
    boolean tls = sip.transports().contains(SipTransport.TLS.name());
    List<ContainerPort> ports = new ArrayList<>();
    ports.add(port("sip-udp", sip.port(), "UDP"));
    ports.add(port("sip-tcp", sip.port(), "TCP"));
    if (tls) {
      ports.add(port("sips", sip.tlsPort(), "TCP"));
    }
    ports.add(port("http", HTTP_PORT, "TCP"));
    List<VolumeMount> mounts = new ArrayList<>(configMounts());
    List<Volume> volumes = new ArrayList<>(configVolumes(trunk));
    if (tls) {
      mounts.add(
          new VolumeMountBuilder()
              .withName("tls")
              .withMountPath(TLS_DIR)
              .withReadOnly(true)
              .build());
      volumes.add(
          new VolumeBuilder()
              .withName("tls")
              .withNewSecret()
              .withSecretName(sip.tlsSecret())
              .endSecret()
              .build());
    }
    List<EnvVar> env = new ArrayList<>();
    env.add(env("TRUNKLINE_CONFIG", CONFIG_DIR + "/" + CONFIG_FILE));
    env.add(env("TRUNKLINE_CREDENTIALS", CREDENTIALS_DIR + "/" + CREDENTIALS_FILE));
    env.add(env("TRUNKLINE_ADVERTISED_ADDRESS", advertisedAddress(trunk)));
    if (tls) {
      env.add(env("TRUNKLINE_TLS_DIR", TLS_DIR));
    }
    if (relayMode(trunk)) {
      // A name, not addresses: the proxy re-resolves it as relays come and go.
      env.add(env("TRUNKLINE_RELAYS", relayControlAddress(trunk)));
    }
    env.add(zoneEnv("TRUNKLINE_ZONE"));
    env.add(env("TRUNKLINE_OPS", ANY + ":" + HTTP_PORT));
    env.add(
        env(
            "TRUNKLINE_DRAIN_SECONDS",
            Integer.toString(Math.max(settings.drainSeconds() - CLOSE_SECONDS, 0))));
    env.add(fieldEnv("POD_IP", "status.podIP"));
    env.add(fieldEnv("POD_NAME", "metadata.name"));
    Container container =
        dataPlaneContainer(PROXY, settings.proxyImage())
            .withPorts(ports)
            .withEnv(env)
            .withVolumeMounts(mounts)
            .build();
    PodSpec pod =
        podSpec(trunk, PROXY, settings).withContainers(container).withVolumes(volumes).build();
    return new DeploymentBuilder()
        .withMetadata(meta(trunk, proxyName(trunk), labels(trunk, PROXY)))
        .withNewSpec()
        .withReplicas(replicas)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(selector(trunk, PROXY)).build())
        // Never below the serving capacity during a rollout: surge first, then drain the old pod.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(trunk, PROXY))
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The media relay pool. On the host network (the default, since Services cannot publish RTP port
   * ranges) two relays of a trunk must not share a node, or their port ranges would collide. Relays
   * read no snapshot: everything they need is in their environment (media-relay's {@code
   * RelayMain}).
   */
  public static Deployment relayDeployment(SipTrunk trunk, PoolSettings settings) {
    TrunkConfig.Media media = TrunkCompiler.media(trunk.getSpec());
    Media spec = trunk.getSpec().getMedia();
    boolean hostNetwork = spec == null || !Boolean.FALSE.equals(spec.getHostNetwork());
    Container container =
        dataPlaneContainer(RELAY, settings.relayImage())
            .withPorts(port("control", RELAY_CONTROL_PORT, "UDP"), port("http", HTTP_PORT, "TCP"))
            .withEnv(
                env("TRUNKLINE_RELAY_CONTROL", ANY + ":" + RELAY_CONTROL_PORT),
                env("TRUNKLINE_RELAY_MEDIA_BIND", ANY),
                // Relays advertise the address media reaches them at: the node's on the host
                // network.
                fieldEnv(
                    "TRUNKLINE_RELAY_ADVERTISE", hostNetwork ? "status.hostIP" : "status.podIP"),
                env("TRUNKLINE_RELAY_PORTS", media.portMin() + "-" + media.portMax()),
                env(
                    "TRUNKLINE_RELAY_DSCP",
                    Integer.toString(TrunkCompiler.qos(trunk.getSpec()).mediaDscp())),
                env("TRUNKLINE_RELAY_TRUNK", trunk.getMetadata().getName()),
                zoneEnv("TRUNKLINE_RELAY_ZONE"),
                env("TRUNKLINE_RELAY_OPS", ANY + ":" + HTTP_PORT),
                // A relay drains like a proxy: no new sessions, live media until its calls end.
                env(
                    "TRUNKLINE_RELAY_DRAIN_SECONDS",
                    Integer.toString(Math.max(settings.drainSeconds() - CLOSE_SECONDS, 0))))
            .build();
    PodSpecBuilder pod =
        podSpec(trunk, RELAY, settings).withHostNetwork(hostNetwork).withContainers(container);
    if (hostNetwork) {
      pod.withDnsPolicy("ClusterFirstWithHostNet")
          .editOrNewAffinity()
          .editOrNewPodAntiAffinity()
          .addToRequiredDuringSchedulingIgnoredDuringExecution(
              new PodAffinityTermBuilder()
                  .withTopologyKey(HOSTNAME_KEY)
                  .withLabelSelector(
                      new LabelSelectorBuilder().withMatchLabels(selector(trunk, RELAY)).build())
                  .build())
          .endPodAntiAffinity()
          .endAffinity();
    }
    return new DeploymentBuilder()
        .withMetadata(meta(trunk, relayName(trunk), labels(trunk, RELAY)))
        .withNewSpec()
        .withReplicas(relayReplicas(trunk))
        .withSelector(new LabelSelectorBuilder().withMatchLabels(selector(trunk, RELAY)).build())
        // With host ports a surge pod may find no free node; replace one relay at a time.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(hostNetwork ? 0 : 1))
        .withMaxUnavailable(new IntOrString(hostNetwork ? 1 : 0))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(trunk, RELAY))
        .endMetadata()
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** One relay per zone at least, so a lost zone leaves relays elsewhere. */
  static int relayReplicas(SipTrunk trunk) {
    int zones =
        trunk.getSpec().getZones() == null
            ? 0
            : (int) trunk.getSpec().getZones().stream().distinct().count();
    return Math.max(Math.max(zones, 1), scalingBounds(trunk).minReplicas());
  }

  /**
   * The proxy pool's scaling bounds with the schema's defaults, for the HPA and the operator's
   * autoscaler alike.
   */
  static SessionAutoscaler.Bounds scalingBounds(SipTrunk trunk) {
    Scaling scaling = scaling(trunk);
    return new SessionAutoscaler.Bounds(
        requireNonNullElse(scaling.getMinReplicas(), Defaults.MIN_REPLICAS),
        requireNonNullElse(scaling.getMaxReplicas(), Defaults.MAX_REPLICAS),
        requireNonNullElse(scaling.getSessionsPerReplica(), Defaults.SESSIONS_PER_REPLICA),
        Duration.ofSeconds(
            requireNonNullElse(
                scaling.getScaleDownStabilizationSeconds(),
                Defaults.SCALE_DOWN_STABILIZATION_SECONDS)));
  }

  /** The trunk's stable SIP address: what PBXs, phones and carriers send to. */
  public static Service sipService(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, serviceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector(trunk, PROXY))
        .withPorts(servicePorts(trunk))
        .endSpec()
        .build();
  }

  /**
   * Every ready proxy by name (DNS A and SRV records, RFC 3263) for peers that spread load
   * themselves, since one UDP flow through the ClusterIP sticks to one pod.
   */
  public static Service peersService(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, peersServiceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector(trunk, PROXY))
        .withPorts(servicePorts(trunk))
        .endSpec()
        .build();
  }

  /**
   * Every ready relay by name, for the proxies' control requests; headless because a proxy picks
   * the relay itself (its own zone's first) rather than let a ClusterIP pick one per UDP flow.
   */
  public static Service relayService(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, relayServiceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector(trunk, RELAY))
        .withPorts(servicePort("control", RELAY_CONTROL_PORT, "UDP", "control"))
        .endSpec()
        .build();
  }

  /** Voluntary evictions (node drains) take one pod of a pool at a time. */
  public static PodDisruptionBudget disruptionBudget(SipTrunk trunk, String component) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(
            meta(trunk, trunk.getMetadata().getName() + "-" + component, labels(trunk, component)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withSelector(
            new LabelSelectorBuilder().withMatchLabels(selector(trunk, component)).build())
        .endSpec()
        .build();
  }

  /** HPA mode: scale the proxy pool on the proxies' own concurrent-session gauge. */
  public static HorizontalPodAutoscaler autoscaler(SipTrunk trunk) {
    SessionAutoscaler.Bounds bounds = scalingBounds(trunk);
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(meta(trunk, proxyName(trunk), labels(trunk, PROXY)))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(proxyName(trunk))
        .endScaleTargetRef()
        .withMinReplicas(bounds.minReplicas())
        .withMaxReplicas(bounds.maxReplicas())
        .addNewMetric()
        .withType("Pods")
        .withNewPods()
        .withNewMetric()
        .withName(SESSIONS_METRIC)
        .endMetric()
        .withNewTarget()
        .withType("AverageValue")
        .withAverageValue(new Quantity(Integer.toString(bounds.sessionsPerReplica())))
        .endTarget()
        .endPods()
        .endMetric()
        .withNewBehavior()
        .withNewScaleDown()
        .withStabilizationWindowSeconds((int) bounds.stabilization().toSeconds())
        .endScaleDown()
        .endBehavior()
        .endSpec()
        .build();
  }

  public static boolean hpaMode(SipTrunk trunk) {
    return scaling(trunk).getMode() == ScalingMode.HPA;
  }

  public static boolean relayMode(SipTrunk trunk) {
    return TrunkCompiler.media(trunk.getSpec()).relay();
  }

  /**
   * The address written into Via, Record-Route and Contact: the trunk's own when set, else its
   * Service's cluster DNS name, never a pod IP (a pod can die mid-dialog).
   */
  static String advertisedAddress(SipTrunk trunk) {
    String configured = listener(trunk).advertisedAddress();
    return configured != null
        ? configured
        : serviceName(trunk) + "." + trunk.getMetadata().getNamespace() + ".svc";
  }

  /** What the proxies resolve to find the relays' control ports. */
  static String relayControlAddress(SipTrunk trunk) {
    return relayServiceName(trunk)
        + "."
        + trunk.getMetadata().getNamespace()
        + ".svc:"
        + RELAY_CONTROL_PORT;
  }

  private static PodSpecBuilder podSpec(SipTrunk trunk, String component, PoolSettings settings) {
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withServiceAccountName(serviceAccountName(trunk))
            .withAutomountServiceAccountToken(false)
            .withTerminationGracePeriodSeconds((long) settings.drainSeconds())
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
        .withLabelSelector(
            new LabelSelectorBuilder().withMatchLabels(selector(trunk, component)).build())
        .build();
  }

  private static ContainerBuilder dataPlaneContainer(String name, String image) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withLivenessProbe(probe("/q/health/live"))
        .withReadinessProbe(probe("/q/health/ready"))
        .withNewResources()
        .addToRequests("cpu", new Quantity("250m"))
        .addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  private static Probe probe(String path) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(3)
        .build();
  }

  private static List<VolumeMount> configMounts() {
    return List.of(
        new VolumeMountBuilder()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .build(),
        new VolumeMountBuilder()
            .withName("credentials")
            .withMountPath(CREDENTIALS_DIR)
            .withReadOnly(true)
            .build());
  }

  private static List<Volume> configVolumes(SipTrunk trunk) {
    return List.of(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(configMapName(trunk))
            .endConfigMap()
            .build(),
        new VolumeBuilder()
            .withName("credentials")
            .withNewSecret()
            .withSecretName(credentialsName(trunk))
            .endSecret()
            .build());
  }

  private static List<ServicePort> servicePorts(SipTrunk trunk) {
    TrunkConfig.Listener sip = listener(trunk);
    List<ServicePort> ports = new ArrayList<>();
    if (sip.transports().contains(SipTransport.UDP.name())) {
      ports.add(servicePort("sip-udp", sip.port(), "UDP", "sip-udp"));
    }
    if (sip.transports().contains(SipTransport.TCP.name())) {
      ports.add(servicePort("sip-tcp", sip.port(), "TCP", "sip-tcp"));
    }
    if (sip.transports().contains(SipTransport.TLS.name())) {
      ports.add(servicePort("sips", sip.tlsPort(), "TCP", "sips"));
    }
    return ports;
  }

  private static ServicePort servicePort(String name, int port, String protocol, String target) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withProtocol(protocol)
        .withTargetPort(new IntOrString(target))
        .build();
  }

  private static ContainerPort port(String name, int port, String protocol) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol(protocol)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar fieldEnv(String name, String fieldPath) {
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
  private static EnvVar zoneEnv(String name) {
    return fieldEnv(name, "metadata.labels['" + ZONE_KEY + "']");
  }

  private static ObjectMeta meta(SipTrunk trunk, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(trunk.getMetadata().getNamespace())
        .withLabels(labels)
        .build();
  }

  private static TrunkConfig.Listener listener(SipTrunk trunk) {
    return TrunkCompiler.listener(trunk.getSpec());
  }

  static Scaling scaling(SipTrunk trunk) {
    return requireNonNullElse(trunk.getSpec().getScaling(), new Scaling());
  }
}
