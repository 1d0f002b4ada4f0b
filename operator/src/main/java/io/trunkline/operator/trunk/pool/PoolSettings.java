package io.trunkline.operator.trunk.pool;

import org.eclipse.microprofile.config.Config;

/**
 * How the operator builds every trunk's pools, from application.properties or the environment
 * (TRUNKLINE_POOLS_PROXY_IMAGE, ...).
 *
 * @param proxyImage image of the SIP proxy
 * @param relayImage image of the media relay
 * @param drainSeconds seconds a terminating pod keeps serving its live calls while it takes no new
 *     dialogs, so that scale-down and rollouts drop no call that ends within them; for trunks that
 *     set no spec.scaling.drainSeconds
 */
public record PoolSettings(String proxyImage, String relayImage, int drainSeconds) {

  public static PoolSettings from(Config config) {
    return new PoolSettings(
        config.getValue("trunkline.pools.proxy-image", String.class),
        config.getValue("trunkline.pools.relay-image", String.class),
        config.getValue("trunkline.pools.drain-seconds", Integer.class));
  }
}
