package io.trunkline.sip.pool;

import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * One replica's share of its trunk, for a pool that cannot count together: {@code 1/poolSize} of
 * the trunk's channels (rounded down) and of its calls per second, so the replicas together never
 * pass the trunk's figures whatever the load on each. A line's one channel cannot be split: it is
 * checked on this replica only. Nor can the emergency reserve be rounded away: each share keeps at
 * least one of its channels, so an emergency call goes through whichever replica it reaches, and
 * the trunk may then pass its figures by one channel a replica while the store is away.
 */
public final class ShareQuota implements ChannelQuota {

  private final int poolSize;
  private final InMemoryChannelQuota counts;

  /**
   * @param poolSize the most replicas the pool may have
   */
  public ShareQuota(int poolSize, LongSupplier nanoTime) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("a pool has at least one replica, not " + poolSize);
    }
    this.poolSize = poolSize;
    this.counts = new InMemoryChannelQuota(nanoTime);
  }

  @Override
  public CompletionStage<Outcome> claim(
      String id, String rateKey, int callsPerSecond, List<Channel> channels) {
    return CompletableFuture.completedFuture(claimNow(rateKey, callsPerSecond, channels));
  }

  /** {@link #claim}, answered at once. */
  Outcome claimNow(String rateKey, int callsPerSecond, List<Channel> channels) {
    List<Channel> share = new ArrayList<>(channels.size());
    for (Channel channel : channels) {
      share.add(channel.pooled() ? new Channel(channel.key(), share(channel), true) : channel);
    }
    double rate = callsPerSecond <= 0 ? 0 : (double) callsPerSecond / poolSize;
    return counts.claimNow(rateKey, rate, share);
  }

  private int share(Channel channel) {
    int reserve = channel.reserve();
    int ordinary = (channel.limit() - reserve) / poolSize;
    return reserve == 0 ? ordinary : ordinary + Math.max(1, reserve / poolSize);
  }

  /** Counts channels a call took through the pool's store, so the share counts every call. */
  void hold(List<String> keys) {
    counts.hold(keys);
  }

  @Override
  public void release(String id, List<String> keys) {
    counts.release(id, keys);
  }

  @Override
  public int inUse(String key) {
    return counts.inUse(key);
  }
}
