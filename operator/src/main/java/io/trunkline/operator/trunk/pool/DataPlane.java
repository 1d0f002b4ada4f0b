package io.trunkline.operator.trunk.pool;

/**
 * What the data-plane engines (sip-proxy, media-relay) serve and the operator relies on, in one
 * place for the pools that configure the engines and the session scraper that reads them. The
 * operator does not depend on the engines' modules (their Netty stack has no place in its image),
 * so these repeat the engines' defaults; the metric names are the contract of docs/metrics.md,
 * which {@code DataPlaneTest} holds them to.
 */
public final class DataPlane {

  /** HTTP port of health and metrics in every data-plane pod (the engines' default too). */
  public static final int OPS_PORT = 8080;

  /**
   * The ops port of proxies on the host network (exposure HostNetwork), where the trunk's relays,
   * on the host network by default, hold {@link #OPS_PORT}.
   */
  public static final int HOST_NETWORK_PROXY_OPS_PORT = 8081;

  /** The container port's name: probes and the session scraper find the ops port by it. */
  public static final String OPS_PORT_NAME = "http";

  public static final String METRICS_PATH = "/q/metrics";
  public static final String LIVE_PATH = "/q/health/live";

  /** 503 while the engine is not ready, so Services and the scraper skip it. */
  public static final String READY_PATH = "/q/health/ready";

  /** UDP port of the relay control protocol (decision 0009) the proxies call the relays on. */
  public static final int RELAY_CONTROL_PORT = 2223;

  /**
   * The proxies' concurrent-session gauge (ProxyMetrics' {@code trunkline.sessions}), which both
   * the HorizontalPodAutoscaler and the operator's own autoscaler scale on.
   */
  public static final String SESSIONS_METRIC = "trunkline_sessions";

  /**
   * The proxies' per-carrier gauge (ProxyMetrics' {@code trunkline.carrier.up}): 1 while the
   * carrier is in rotation, else 0; the trunk's Carriers Up column is read from it.
   */
  public static final String CARRIER_UP_METRIC = "trunkline_carrier_up";

  /** The label of {@link #CARRIER_UP_METRIC} naming the carrier. */
  public static final String CARRIER_LABEL = "carrier";

  /**
   * The proxies' store gauge (ProxyMetrics' {@code trunkline.store.shared}): 1 while the replica
   * counts on the trunk's store, 0 while it runs on its share because the store is unreachable.
   */
  public static final String STORE_SHARED_METRIC = "trunkline_store_shared";

  private DataPlane() {}
}
