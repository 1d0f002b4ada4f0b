package io.trunkline.sip.pool;

import io.trunkline.sip.auth.InMemorySourceBans;
import io.trunkline.sip.auth.SourceBans;
import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.registrar.LocationStore;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * What a proxy keeps that the other replicas of its pool must see: channel use and calls per
 * second, registrations, and the key its digest nonces are made with. A proxy alone (standalone,
 * one replica) keeps them in memory; a pool, in its store ({@link #shared}), or, with no store, on
 * {@link #shares}.
 *
 * @param replica this replica's name in the pool, unique there
 * @param quota the trunk's channels and calls per second, as the pool counts them
 * @param locations the lines' registrations
 * @param bans the sources refused for guessing passwords
 * @param nonceKey the key the replicas share: digest nonces are made with it, and hand-overs sealed
 *     with a key derived from it ({@link HandOverSeal})
 * @param store the pool's store, or null
 * @param members the pool's live proxies, and which owns a call
 */
public record PoolState(
    String replica,
    ChannelQuota quota,
    LocationStore locations,
    SourceBans bans,
    byte[] nonceKey,
    PoolStore store,
    Members members)
    implements AutoCloseable {

  /** Asks for the nonce key at most this often, each bounded by twice the store's timeout. */
  private static final int AGREE_ATTEMPTS = 5;

  /** Settings of a pool's store: the lease a killed replica's channels stay taken for. */
  public record StoreSettings(PoolStore.Address address, Duration lease) {}

  public PoolState {
    nonceKey = nonceKey.clone();
  }

  /** A proxy on its own at {@code self}. */
  public static PoolState alone(String replica, InetSocketAddress self) {
    return new PoolState(
        replica,
        new InMemoryChannelQuota(System::nanoTime),
        new InMemoryLocationStore(),
        new InMemorySourceBans(SourceBans.Policy.DEFAULT, Clock.systemUTC()),
        randomKey(),
        null,
        Members.alone(self));
  }

  /**
   * One replica of a pool of up to {@code poolSize} with no store: its share of the channels and
   * calls per second, and registrations known only where they were taken.
   *
   * @param nonceKey the key the pool's replicas share for their nonces, or null for one of this
   *     replica's own (a challenge it issues is then answered right only here)
   */
  public static PoolState shares(String replica, int poolSize, Members members, byte[] nonceKey) {
    return new PoolState(
        replica,
        new ShareQuota(poolSize, System::nanoTime),
        new InMemoryLocationStore(),
        new InMemorySourceBans(SourceBans.Policy.DEFAULT, Clock.systemUTC()),
        nonceKey != null ? nonceKey : randomKey(),
        null,
        members);
  }

  /**
   * One replica of a pool of up to {@code poolSize} counting in the store at {@code settings}.
   *
   * @param nonceKey the key the pool's replicas share for their nonces, or null to agree on one in
   *     the store
   */
  public static PoolState shared(
      String replica,
      String trunk,
      int poolSize,
      StoreSettings settings,
      Members members,
      byte[] nonceKey) {
    PoolStore store = PoolStore.open(settings.address(), trunk);
    return new PoolState(
        replica,
        new SharedChannelQuota(store, poolSize, settings.lease(), System::nanoTime),
        new SharedLocationStore(store, settings.address().timeout()),
        new SharedSourceBans(
            store, SourceBans.Policy.DEFAULT, settings.address().timeout(), Clock.systemUTC()),
        nonceKey != null ? nonceKey : agreedNonceKey(store),
        store,
        members);
  }

  /**
   * The nonce key agreed in the store. A replica left with a key of its own answers every challenge
   * another issued 403 Wrong Credentials (found on a real node: a proxy started while Redis was
   * slow to answer), so a few slow answers are waited out; a store away for longer leaves one.
   */
  private static byte[] agreedNonceKey(PoolStore store) {
    for (int attempt = 0; attempt < AGREE_ATTEMPTS; attempt++) {
      byte[] key = store.sharedSecret("nonce-key");
      if (key != null) {
        return key;
      }
    }
    return randomKey();
  }

  @Override
  public byte[] nonceKey() {
    return nonceKey.clone();
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }

  @Override
  public void close() {
    members.close();
    if (store != null) {
      store.close();
    }
  }
}
