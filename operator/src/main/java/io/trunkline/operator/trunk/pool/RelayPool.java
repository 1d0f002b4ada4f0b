package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.DataPlanePods.ANY;
import static io.trunkline.operator.trunk.pool.DataPlanePods.env;
import static io.trunkline.operator.trunk.pool.DataPlanePods.fieldEnv;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.RELAY;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.labels;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.meta;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.relayName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.relayServiceName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.selector;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.trunkLabels;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.v1alpha1.trunk.Media;
import io.trunkline.api.v1alpha1.trunk.PodResources;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;

/**
 * The media relay pool of a trunk in media mode Relay: its Deployment, the headless Service the
 * proxies find it through, and its disruption budget.
 */
public final class RelayPool {

  /** The container port's name, which the Service targets. */
  private static final String CONTROL = "control";

  private RelayPool() {}

  /** Media mode Relay: without it the trunk has no relay pool. */
  public static boolean needed(SipTrunk trunk) {
    return TrunkCompiler.media(trunk.getSpec()).relay();
  }

  /**
   * The relays. On the host network (the default, since Services cannot publish RTP port ranges)
   * two relays of a trunk must not share a node, or their port ranges would collide. Relays read no
   * snapshot: everything they need is in their environment (media-relay's {@code RelayMain}).
   */
  public static Deployment deployment(SipTrunk trunk, PoolSettings settings) {
    TrunkConfig.Media media = TrunkCompiler.media(trunk.getSpec());
    Media spec = trunk.getSpec().getMedia();
    boolean hostNetwork = spec == null || !Boolean.FALSE.equals(spec.getHostNetwork());
    Container container =
        DataPlanePods.engineContainer(
                RELAY,
                settings.relayImage(),
                DataPlanePods.engineResources(trunk, PodResources::getRelay))
            .withPorts(
                DataPlanePods.port(CONTROL, DataPlane.RELAY_CONTROL_PORT, "UDP"),
                DataPlanePods.opsPort())
            .withEnv(
                // Relays advertise the address media reaches them at: the node's on the host
                // network.
                fieldEnv(
                    "TRUNKLINE_RELAY_ADVERTISE", hostNetwork ? "status.hostIP" : "status.podIP"),
                // Control on that address only, not the wildcard: a reply leaves from the address
                // its request came to, which the proxies' connected sockets insist on. Bound to
                // the wildcard, a host-network relay answered a proxy on the same node from the
                // pod bridge's address, and the proxy never heard it (found on a real node).
                env(
                    "TRUNKLINE_RELAY_CONTROL",
                    "$(TRUNKLINE_RELAY_ADVERTISE):" + DataPlane.RELAY_CONTROL_PORT),
                env("TRUNKLINE_RELAY_MEDIA_BIND", ANY),
                env("TRUNKLINE_RELAY_PORTS", media.portMin() + "-" + media.portMax()),
                env(
                    "TRUNKLINE_RELAY_IDLE_TIMEOUT",
                    Integer.toString(media.relayIdleTimeoutSeconds())),
                env(
                    "TRUNKLINE_RELAY_DSCP",
                    Integer.toString(TrunkCompiler.qos(trunk.getSpec()).mediaDscp())),
                env("TRUNKLINE_RELAY_TRUNK", trunk.getMetadata().getName()),
                // The control port is on the node's address: requests not signed with the
                // trunk's key are refused.
                RelayControl.env(trunk),
                DataPlanePods.zoneEnv("TRUNKLINE_RELAY_ZONE"),
                env("TRUNKLINE_RELAY_OPS", DataPlanePods.OPS_ADDRESS),
                // A relay drains like a proxy: no new sessions, live media until its calls end.
                env(
                    "TRUNKLINE_RELAY_DRAIN_SECONDS",
                    Integer.toString(DataPlanePods.drainSeconds(trunk, settings))))
            .build();
    // No preStop sleep, unlike the proxies: a draining relay's refusal sends the proxy to the next
    // relay at once, so offers that reach it before its Service forgets it cost no call.
    PodSpecBuilder pod =
        DataPlanePods.podSpec(trunk, RELAY, DataPlanePods.gracePeriodSeconds(trunk, settings))
            .withHostNetwork(hostNetwork)
            .withContainers(container);
    if (hostNetwork) {
      DataPlanePods.onHostNetwork(pod, trunk, RELAY);
    }
    return new DeploymentBuilder()
        .withMetadata(meta(trunk, relayName(trunk), labels(trunk, RELAY)))
        .withNewSpec()
        .withReplicas(replicas(trunk))
        .withSelector(DataPlanePods.podSelector(trunk, RELAY))
        .withStrategy(DataPlanePods.rollingUpdate(hostNetwork))
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
  static int replicas(SipTrunk trunk) {
    int zones =
        trunk.getSpec().getZones() == null
            ? 0
            : (int) trunk.getSpec().getZones().stream().distinct().count();
    return Math.max(Math.max(zones, 1), ProxyPool.scalingBounds(trunk).minReplicas());
  }

  /**
   * Every ready relay by name, for the proxies' control requests; headless because a proxy picks
   * the relay itself (its own zone's first) rather than let a ClusterIP pick one per UDP flow.
   */
  public static Service service(SipTrunk trunk) {
    return new ServiceBuilder()
        .withMetadata(meta(trunk, relayServiceName(trunk), trunkLabels(trunk)))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector(trunk, RELAY))
        .withPorts(DataPlanePods.servicePort(CONTROL, DataPlane.RELAY_CONTROL_PORT, "UDP", CONTROL))
        .endSpec()
        .build();
  }

  public static PodDisruptionBudget disruptionBudget(SipTrunk trunk) {
    return DataPlanePods.disruptionBudget(trunk, RELAY);
  }

  /** What the proxies resolve to find the relays' control ports. */
  static String controlAddress(SipTrunk trunk) {
    return TrunkMetadata.clusterName(trunk, relayServiceName(trunk))
        + ":"
        + DataPlane.RELAY_CONTROL_PORT;
  }
}
