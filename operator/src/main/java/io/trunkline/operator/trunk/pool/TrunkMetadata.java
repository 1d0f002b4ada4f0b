package io.trunkline.operator.trunk.pool;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of a trunk's objects. Every name starts with the trunk's, so trunks of one
 * namespace never collide, and every object carries the managed-by label the operator's informers
 * select on.
 */
public final class TrunkMetadata {

  public static final String PROXY = "sip-proxy";
  public static final String RELAY = "media-relay";

  /** The label every object the operator makes carries, with {@link #MANAGED_BY}. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY = "trunkline-operator";
  private static final String TRUNK_LABEL = "trunkline.io/trunk";

  /** Selects what the operator made, so its informers cache nothing else. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

  private TrunkMetadata() {}

  /** Whether the operator made {@code object}: it carries the managed-by label. */
  public static boolean managed(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }

  /** One pool's Deployment, disruption budget and (for the proxies) autoscaler. */
  static String poolName(SipTrunk trunk, String component) {
    return trunk.getMetadata().getName() + "-" + component;
  }

  public static String proxyName(SipTrunk trunk) {
    return poolName(trunk, PROXY);
  }

  public static String relayName(SipTrunk trunk) {
    return poolName(trunk, RELAY);
  }

  public static String configMapName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-config";
  }

  public static String credentialsName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-credentials";
  }

  /** Shard {@code shard} of the trunk's lines (decision 0027). */
  public static String lineShardName(SipTrunk trunk, int shard) {
    return lineShardPrefix(trunk) + shard;
  }

  /** What the names of the trunk's line shards start with. */
  public static String lineShardPrefix(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-lines-";
  }

  /** The trunk's relay control key (decision 0009), which both pools read. */
  public static String relayControlName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-relay-control";
  }

  public static String sipServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-sip";
  }

  public static String peersServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-sip-peers";
  }

  /** The proxy pool's headless Service for its own members, draining ones included. */
  public static String membersServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-sip-members";
  }

  /** The relay pool's headless Service: one DNS A record per ready relay. */
  public static String relayServiceName(SipTrunk trunk) {
    return trunk.getMetadata().getName() + "-relay";
  }

  /** A Service's name in cluster DNS, {@code <service>.<namespace>.svc}. */
  static String clusterName(SipTrunk trunk, String service) {
    return service + "." + trunk.getMetadata().getNamespace() + ".svc";
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
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
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
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    return labels;
  }

  static ObjectMeta meta(SipTrunk trunk, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(trunk.getMetadata().getNamespace())
        .withLabels(labels)
        .build();
  }
}
