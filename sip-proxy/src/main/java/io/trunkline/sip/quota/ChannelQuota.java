package io.trunkline.sip.quota;

/**
 * Counts channels (concurrent calls) per trunk and per line. An interface because one replica
 * counts in memory while a pool of replicas must share its counts through a store.
 */
public interface ChannelQuota {

  /** Takes a channel of {@code key} if fewer than {@code limit} are in use; exact under races. */
  boolean tryAcquire(String key, int limit);

  /** Returns a channel taken by {@link #tryAcquire}. */
  void release(String key);

  /** Channels of {@code key} in use now. */
  int inUse(String key);
}
