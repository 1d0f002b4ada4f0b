package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.DataPlanePods.env;
import static io.trunkline.operator.trunk.pool.DataPlanePods.fieldEnv;
import static io.trunkline.operator.trunk.pool.DataPlanePods.port;
import static io.trunkline.operator.trunk.pool.DataPlanePods.secretEnv;
import static io.trunkline.operator.trunk.pool.DataPlanePods.servicePort;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.PROXY;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.labels;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.meta;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.proxyName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.selector;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.trunkLabels;
import static java.util.Objects.requireNonNullElse;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.trunk.CarrierCa;
import io.trunkline.api.v1alpha1.trunk.PodResources;
import io.trunkline.api.v1alpha1.trunk.Scaling;
import io.trunkline.api.v1alpha1.trunk.ScalingMode;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.Store;
import io.trunkline.operator.scaling.SessionAutoscaler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SIP proxy pool: its Deployment, the Services peers send SIP to, the one its members find each
 * other through, its disruption budget and, in HPA mode, its HorizontalPodAutoscaler.
 */
public final class ProxyPool {

  private static final String TLS_DIR = "/etc/trunkline/tls";

  /**
   * The carriers' CA bundle (spec.carrierCa), mounted as one file whatever key of its Secret holds
   * it; the directory is mounted whole, not by subPath, which the kubelet never updates.
   */
  private static final String CARRIER_CA_DIR = "/etc/trunkline/carrier-ca";

  private static final String CARRIER_CA_FILE = "ca.crt";

  // Container port names, which the Services target.
  private static final String SIP_UDP = "sip-udp";
  private static final String SIP_TCP = "sip-tcp";
  private static final String SIPS = "sips";

  /** The key of the store's Secret (spec.store.secretName) with HOST:PORT; the one required. */
  public static final String STORE_ADDRESS = "address";

  /** The optional key of the store's Secret with the store's password. */
  public static final String STORE_PASSWORD = "password";

  /** The optional key of the store's Secret that says "true" to reach the store over TLS. */
  public static final String STORE_TLS = "tls";

  /**
   * Seconds a terminating proxy goes on taking new dialogs before the kubelet sends it SIGTERM (a
   * preStop sleep). Endpoint removal and SIGTERM start together and independently (Kubernetes' pod
   * termination), so kube-proxy on every node, and load balancers, still send new calls to the pod
   * for a moment; a proxy that stopped taking them at once would refuse them with 503. A sleep
   * action, not a command: the image has no shell.
   */
  static final int PRE_STOP_SECONDS = 5;

  private ProxyPool() {}

  /**
   * The proxies. {@code replicas} is null in HPA mode, so that the operator's apply never fights
   * the HorizontalPodAutoscaler over the field.
   */
  public static Deployment deployment(
      SipTrunk trunk, PoolSettings settings, Integer replicas, Optional<String> ingress) {
    TrunkConfig.Listener sip = listener(trunk);
    boolean hostNetwork = SipExposure.hostNetwork(trunk);
    // On the host network beside the trunk's relays, which hold the ops port there already.
    int ops = hostNetwork ? DataPlane.HOST_NETWORK_PROXY_OPS_PORT : DataPlane.OPS_PORT;
    boolean tls = sip.transports().contains(SipTransport.TLS.name());
    List<ContainerPort> ports = new ArrayList<>();
    ports.add(port(SIP_UDP, sip.port(), "UDP"));
    ports.add(port(SIP_TCP, sip.port(), "TCP"));
    if (tls) {
      ports.add(port(SIPS, sip.tlsPort(), "TCP"));
    }
    ports.add(DataPlanePods.opsPort(ops));
    List<VolumeMount> mounts = new ArrayList<>(SnapshotObjects.mounts());
    List<Volume> volumes = new ArrayList<>(SnapshotObjects.volumes(trunk));
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
    CarrierCa carrierCa = trunk.getSpec().getCarrierCa();
    if (carrierCa != null) {
      mounts.add(
          new VolumeMountBuilder()
              .withName("carrier-ca")
              .withMountPath(CARRIER_CA_DIR)
              .withReadOnly(true)
              .build());
      volumes.add(
          new VolumeBuilder()
              .withName("carrier-ca")
              .withNewSecret()
              .withSecretName(carrierCa.getSecretName())
              .addNewItem()
              .withKey(carrierCaKey(carrierCa))
              .withPath(CARRIER_CA_FILE)
              .endItem()
              .endSecret()
              .build());
    }
    List<EnvVar> env = new ArrayList<>();
    env.add(env("TRUNKLINE_CONFIG", SnapshotObjects.CONFIG_PATH));
    env.add(env("TRUNKLINE_CREDENTIALS", SnapshotObjects.CREDENTIALS_PATH));
    env.addAll(SipExposure.advertised(trunk, ingress));
    if (tls) {
      env.add(env("TRUNKLINE_TLS_DIR", TLS_DIR));
    }
    if (carrierCa != null) {
      env.add(env("TRUNKLINE_CARRIER_CA", CARRIER_CA_DIR + "/" + CARRIER_CA_FILE));
    }
    if (RelayPool.needed(trunk)) {
      // A name, not addresses: the proxy re-resolves it as relays come and go.
      env.add(env("TRUNKLINE_RELAYS", RelayPool.controlAddress(trunk)));
      env.add(RelayControl.env(trunk));
    }
    env.add(DataPlanePods.zoneEnv("TRUNKLINE_ZONE"));
    env.add(env("TRUNKLINE_OPS", DataPlanePods.ANY + ":" + ops));
    env.add(
        env(
            "TRUNKLINE_DRAIN_SECONDS",
            Integer.toString(DataPlanePods.drainSeconds(trunk, settings))));
    env.add(env("TRUNKLINE_POOL_SIZE", Integer.toString(poolSize(trunk))));
    env.add(env("TRUNKLINE_MEMBERS", membersAddress(trunk)));
    env.add(env("TRUNKLINE_READY_MEMBERS", readyMembersAddress(trunk)));
    Store store = trunk.getSpec().getStore();
    if (store != null) {
      // Read when the container starts: a changed Secret reaches the proxies as they restart.
      env.add(secretEnv("TRUNKLINE_STORE_ADDRESS", store.getSecretName(), STORE_ADDRESS, false));
      env.add(secretEnv("TRUNKLINE_STORE_PASSWORD", store.getSecretName(), STORE_PASSWORD, true));
      env.add(secretEnv("TRUNKLINE_STORE_TLS", store.getSecretName(), STORE_TLS, true));
    }
    env.add(fieldEnv("POD_IP", "status.podIP"));
    env.add(fieldEnv("POD_NAME", "metadata.name"));
    Container container =
        DataPlanePods.engineContainer(
                PROXY,
                settings.proxyImage(),
                DataPlanePods.engineResources(trunk, PodResources::getProxy))
            .withPorts(ports)
            .withEnv(env)
            .withVolumeMounts(mounts)
            .withNewLifecycle()
            .withNewPreStop()
            .withNewSleep()
            .withSeconds((long) PRE_STOP_SECONDS)
            .endSleep()
            .endPreStop()
            .endLifecycle()
            .build();
    // The grace period runs from the pod's deletion, so it holds the preStop sleep too.
    PodSpecBuilder pod =
        DataPlanePods.podSpec(
                trunk, PROXY, PRE_STOP_SECONDS + DataPlanePods.gracePeriodSeconds(trunk, settings))
            .withContainers(container)
            .withVolumes(volumes);
    if (hostNetwork) {
      DataPlanePods.onHostNetwork(pod, trunk, PROXY);
    }
    return new DeploymentBuilder()
        .withMetadata(meta(trunk, proxyName(trunk), labels(trunk, PROXY)))
        .withNewSpec()
        .withReplicas(replicas)
        .withSelector(DataPlanePods.podSelector(trunk, PROXY))
        .withStrategy(DataPlanePods.rollingUpdate(hostNetwork))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels(trunk, PROXY))
        .withAnnotations(SnapshotObjects.proxyPodAnnotations())
        .endMetadata()
        .withSpec(pod.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The trunk's stable SIP address: what PBXs, phones and carriers send to; of the type its
   * exposure asks for ({@link SipExposure}).
   */
  public static Service sipService(SipTrunk trunk) {
    List<ServicePort> ports = servicePorts(trunk);
    for (ServicePort port : ports) {
      port.setNodePort(SipExposure.nodePort(trunk, SIPS.equals(port.getName())));
    }
    ObjectMeta meta = meta(trunk, TrunkMetadata.sipServiceName(trunk), trunkLabels(trunk));
    Map<String, String> annotations = SipExposure.serviceAnnotations(trunk);
    if (annotations != null) {
      // A copy: the operator SDK adds its own annotations to what it applies.
      meta.setAnnotations(new LinkedHashMap<>(annotations));
    }
    return new ServiceBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withType(SipExposure.serviceType(trunk))
        .withExternalTrafficPolicy(SipExposure.externalTrafficPolicy(trunk))
        .withSelector(selector(trunk, PROXY))
        .withPorts(ports)
        .endSpec()
        .build();
  }

  /**
   * Every ready proxy by name (DNS A and SRV records, RFC 3263) for peers that spread load
   * themselves, since one UDP flow through the ClusterIP sticks to one pod.
   */
  public static Service peersService(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, TrunkMetadata.peersServiceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector(trunk, PROXY))
        .withPorts(servicePorts(trunk))
        .endSpec()
        .build();
  }

  /**
   * Every member of the pool by name, for the proxies themselves: a member hands a request of a
   * dialog it does not own to the member that owns it. Unlike the peers' Service it keeps unready
   * and terminating proxies (publishNotReadyAddresses): a draining member owns its dialogs until
   * they end, and their in-dialog requests must still reach it.
   */
  public static Service membersService(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, TrunkMetadata.membersServiceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(selector(trunk, PROXY))
        .withPorts(servicePorts(trunk))
        .endSpec()
        .build();
  }

  public static PodDisruptionBudget disruptionBudget(SipTrunk trunk) {
    return DataPlanePods.disruptionBudget(trunk, PROXY);
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
        .withName(DataPlane.SESSIONS_METRIC)
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

  /** The key of spec.carrierCa's Secret that holds the bundle, with the schema's default. */
  public static String carrierCaKey(CarrierCa carrierCa) {
    return requireNonNullElse(carrierCa.getKey(), Defaults.CARRIER_CA_KEY);
  }

  public static boolean hpaMode(SipTrunk trunk) {
    return scaling(trunk).getMode() == ScalingMode.HPA;
  }

  /**
   * The pool's scaling bounds with the schema's defaults, for the HPA and the operator's autoscaler
   * alike.
   */
  public static SessionAutoscaler.Bounds scalingBounds(SipTrunk trunk) {
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

  /**
   * The most replicas the pool can have, which each proxy divides the trunk's channels and calls
   * per second by when it has no store to share them in or cannot reach it, so that the shares add
   * up to no more than the trunk's. The upper bound rather than the replicas of the moment: the
   * autoscaler moves within the bounds, and the pods' environment cannot follow it without a
   * restart.
   */
  public static int poolSize(SipTrunk trunk) {
    return scalingBounds(trunk).maxReplicas();
  }

  /** What the proxies resolve to find every member of their pool: the members' Service. */
  static String membersAddress(SipTrunk trunk) {
    return TrunkMetadata.clusterName(trunk, TrunkMetadata.membersServiceName(trunk))
        + ":"
        + listener(trunk).port();
  }

  /**
   * What the proxies resolve to find the members that own new calls: the peers' Service, which
   * lists only ready proxies, so a draining or starting one is handed no new call.
   */
  static String readyMembersAddress(SipTrunk trunk) {
    return TrunkMetadata.clusterName(trunk, TrunkMetadata.peersServiceName(trunk))
        + ":"
        + listener(trunk).port();
  }

  private static List<ServicePort> servicePorts(SipTrunk trunk) {
    TrunkConfig.Listener sip = listener(trunk);
    List<ServicePort> ports = new ArrayList<>();
    if (sip.transports().contains(SipTransport.UDP.name())) {
      ports.add(servicePort(SIP_UDP, sip.port(), "UDP", SIP_UDP));
    }
    if (sip.transports().contains(SipTransport.TCP.name())) {
      ports.add(servicePort(SIP_TCP, sip.port(), "TCP", SIP_TCP));
    }
    if (sip.transports().contains(SipTransport.TLS.name())) {
      ports.add(servicePort(SIPS, sip.tlsPort(), "TCP", SIPS));
    }
    return ports;
  }

  private static TrunkConfig.Listener listener(SipTrunk trunk) {
    return TrunkCompiler.listener(trunk.getSpec());
  }

  private static Scaling scaling(SipTrunk trunk) {
    return requireNonNullElse(trunk.getSpec().getScaling(), new Scaling());
  }
}
