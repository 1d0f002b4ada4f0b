package io.trunkline.sip.pool;

import io.lettuce.core.ScriptOutputType;
import io.trunkline.sip.quota.ChannelQuota;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A pool's quotas, counted in its store: each claim is one script, one round trip, that spends the
 * trunk's calls-per-second token and takes every channel of the call or none. A channel is a lease
 * that expires unless renewed: this replica renews its live calls' leases every third of the lease,
 * so the channels of a replica killed mid-call come back within one lease, and never leak.
 *
 * <p>While the store is unreachable, this replica counts on its {@link ShareQuota}, with every call
 * it carries (those admitted through the store too) counted against it. When the store answers
 * again this replica puts its live leases back (an upsert, never a second count) before it claims
 * through the store.
 */
public final class SharedChannelQuota implements ChannelQuota {

  private static final PoolStore.Script CLAIM = PoolStore.Script.named("claim");
  private static final PoolStore.Script RENEW = PoolStore.Script.named("renew");
  private static final PoolStore.Script COUNT = PoolStore.Script.named("count");

  private final PoolStore store;
  private final Duration lease;
  private final ShareQuota mine;
  private final Map<String, List<String>> live = new ConcurrentHashMap<>();

  /**
   * @param poolSize the most replicas the pool may have: the shares are taken from it
   * @param lease how long a killed replica's channels stay taken
   */
  public SharedChannelQuota(PoolStore store, int poolSize, Duration lease, LongSupplier nanoTime) {
    this.store = store;
    this.lease = lease;
    this.mine = new ShareQuota(poolSize, nanoTime);
    store.onReturn(this::renew);
    store.every(lease.dividedBy(3), this::renewWhileShared);
  }

  @Override
  public CompletionStage<Outcome> claim(
      String id, String rateKey, int callsPerSecond, List<Channel> channels) {
    if (!store.shared()) {
      return CompletableFuture.completedFuture(onShare(id, rateKey, callsPerSecond, channels));
    }
    String[] keys = new String[channels.size() + 1];
    String[] args = new String[channels.size() + 3];
    keys[0] = store.key(rateKey);
    args[0] = id;
    args[1] = Long.toString(lease.toMillis());
    args[2] = Integer.toString(callsPerSecond);
    for (int i = 0; i < channels.size(); i++) {
      keys[i + 1] = store.key(channels.get(i).key());
      args[i + 3] = Integer.toString(channels.get(i).limit());
    }
    return store
        .<Long>run(CLAIM, ScriptOutputType.INTEGER, keys, args)
        .handle(
            (result, failure) ->
                failure != null
                    ? onShare(id, rateKey, callsPerSecond, channels)
                    : outcome(id, channels, result));
  }

  private Outcome outcome(String id, List<Channel> channels, long result) {
    if (result < 0) {
      return OVER_RATE;
    }
    if (result > 0) {
      return new Outcome.Full((int) result - 1);
    }
    List<String> keys = channels.stream().map(Channel::key).toList();
    mine.hold(keys);
    live.put(id, keys);
    return TAKEN;
  }

  /** The claim against this replica's share, which counts every call it carries. */
  private Outcome onShare(String id, String rateKey, int callsPerSecond, List<Channel> channels) {
    Outcome outcome = mine.claimNow("share/" + rateKey, callsPerSecond, channels);
    if (outcome instanceof Outcome.Taken) {
      live.put(id, channels.stream().map(Channel::key).toList());
    }
    return outcome;
  }

  @Override
  public void release(String id, List<String> keys) {
    if (live.remove(id) == null) {
      return;
    }
    mine.release(id, keys);
    if (store.shared()) {
      // Not waited for: a release the store misses ends with its lease.
      for (String key : keys) {
        store.command(redis -> redis.zrem(store.key(key), id).toCompletableFuture());
      }
    }
  }

  /** Channels of {@code key} held by calls through this replica. */
  @Override
  public int inUse(String key) {
    return mine.inUse(key);
  }

  /** Channels of {@code key} held across the pool, as the store counts them; -1 if it cannot. */
  public long inPool(String key) {
    try {
      return store
          .<Long>run(COUNT, ScriptOutputType.INTEGER, new String[] {store.key(key)})
          .get(lease.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return -1;
    }
  }

  private void renewWhileShared() {
    if (store.shared()) {
      renew();
    }
  }

  /** Renews every live lease of this replica, one script per channel key. */
  private CompletionStage<?> renew() {
    Map<String, List<String>> byKey = new HashMap<>();
    live.forEach(
        (claim, keys) ->
            keys.forEach(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(claim)));
    List<CompletableFuture<Long>> renewals = new ArrayList<>();
    byKey.forEach(
        (key, claims) -> {
          String[] args = new String[claims.size() + 1];
          args[0] = Long.toString(lease.toMillis());
          for (int i = 0; i < claims.size(); i++) {
            args[i + 1] = claims.get(i);
          }
          renewals.add(
              store.run(RENEW, ScriptOutputType.INTEGER, new String[] {store.key(key)}, args));
        });
    return CompletableFuture.allOf(renewals.toArray(CompletableFuture[]::new));
  }
}
