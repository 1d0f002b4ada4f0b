package io.trunkline.sip.pool;

import io.trunkline.process.settings.HostPort;
import io.trunkline.process.settings.ProcessSettings;
import io.trunkline.process.settings.Setting;
import io.trunkline.relay.control.ControlKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a proxy learns its pool, the same way from a pod's environment and the standalone command
 * line: the store's address (and password and TLS), the most replicas the pool may have, and the
 * lease a killed replica's channels stay taken for.
 *
 * @param size the most replicas the pool may have
 * @param store the pool's store, or null for none
 * @param members names of the pool's proxies (a headless Service, or their addresses)
 * @param readyMembers names of its ready proxies, which own new calls; empty: every member
 */
public record PoolSettings(
    int size, PoolState.StoreSettings store, List<HostPort> members, List<HostPort> readyMembers) {

  public PoolSettings {
    members = List.copyOf(members);
    readyMembers = List.copyOf(readyMembers);
  }

  public static final Setting STORE =
      new Setting(
          "--store",
          "TRUNKLINE_STORE_ADDRESS",
          null,
          "HOST:PORT of the pool's Redis; unset: no shared store");
  public static final Setting STORE_PASSWORD =
      Setting.variable(
          "TRUNKLINE_STORE_PASSWORD", null, "the pool's Redis password, if it has one");
  public static final Setting STORE_TLS =
      new Setting("--store-tls", "TRUNKLINE_STORE_TLS", "false", "reach the pool's Redis over TLS");
  public static final Setting STORE_TIMEOUT =
      Setting.variable(
          "TRUNKLINE_STORE_TIMEOUT_MILLIS",
          "250",
          "a store command slower than this turns the replica to its share");
  public static final Setting LEASE =
      new Setting(
          "--store-lease",
          "TRUNKLINE_STORE_LEASE_SECONDS",
          "30",
          "seconds a killed replica's channels stay taken in the store");
  public static final Setting POOL_SIZE =
      new Setting(
          "--pool-size",
          "TRUNKLINE_POOL_SIZE",
          "1",
          "the most replicas the pool may have; each falls back to that share of the trunk");

  public static final Setting MEMBERS =
      new Setting(
          "--member",
          "TRUNKLINE_MEMBERS",
          null,
          "HOST:PORT of the pool's proxies, which hand each call to its owner: their headless"
              + " Service, or (the flag, once per proxy) each proxy's address");

  public static final Setting READY_MEMBERS =
      new Setting(
          "--ready-member",
          "TRUNKLINE_READY_MEMBERS",
          null,
          "HOST:PORT of the pool's ready proxies, which alone own new calls: a headless Service"
              + " without unready or terminating pods; unset, every member owns new calls");

  /** The settings above, for a process's list and its usage text. */
  public static final List<Setting> ALL =
      List.of(
          STORE,
          STORE_PASSWORD,
          STORE_TLS,
          STORE_TIMEOUT,
          LEASE,
          POOL_SIZE,
          MEMBERS,
          READY_MEMBERS);

  /** What the nonces' key is derived for from the trunk's key, so it is no other key. */
  private static final String NONCE_KEY_PURPOSE = "trunkline digest nonces";

  /** A proxy alone: one replica, no store. */
  public static final PoolSettings ALONE = new PoolSettings(1, null, List.of(), List.of());

  /**
   * Reads the settings above.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static PoolSettings read(ProcessSettings settings) {
    int size = settings.integer(POOL_SIZE);
    if (size < 1) {
      throw new IllegalArgumentException(POOL_SIZE.names() + " must be at least 1, not " + size);
    }
    List<HostPort> members = hostPorts(MEMBERS, settings.all(MEMBERS));
    List<HostPort> readyMembers = hostPorts(READY_MEMBERS, settings.all(READY_MEMBERS));
    if (!settings.has(STORE)) {
      return new PoolSettings(size, null, members, readyMembers);
    }
    HostPort address = settings.hostPort(STORE);
    return new PoolSettings(
        size,
        new PoolState.StoreSettings(
            new PoolStore.Address(
                address.host(),
                address.port(),
                settings.optional(STORE_PASSWORD).orElse(null),
                settings.bool(STORE_TLS),
                Duration.ofMillis(settings.integer(STORE_TIMEOUT))),
            settings.seconds(LEASE)),
        members,
        readyMembers);
  }

  private static List<HostPort> hostPorts(Setting setting, List<String> values) {
    List<HostPort> parsed = new ArrayList<>();
    for (String value : values) {
      try {
        parsed.add(HostPort.parse(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting.names() + ": " + e.getMessage(), e);
      }
    }
    return parsed;
  }

  /**
   * The state of replica {@code replica} of {@code trunk}'s pool, which its peers reach at {@code
   * self}: in the store when one is named, else shares when the pool may have several replicas,
   * else memory.
   *
   * @param trunkKey the trunk's relay control key, which every replica holds, to derive the digest
   *     nonces' key from; null when the replicas hold none (media bypass), and then the store
   *     agrees one
   */
  public PoolState open(String replica, String trunk, InetSocketAddress self, ControlKey trunkKey) {
    if (store == null && size == 1) {
      return PoolState.alone(replica, self);
    }
    Members found = Members.following(self, members, readyMembers);
    byte[] nonceKey = trunkKey == null ? null : trunkKey.derive(NONCE_KEY_PURPOSE);
    return store != null
        ? PoolState.shared(replica, trunk, size, store, found, nonceKey)
        : PoolState.shares(replica, size, found, nonceKey);
  }
}
