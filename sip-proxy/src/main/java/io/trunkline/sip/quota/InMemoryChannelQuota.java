package io.trunkline.sip.quota;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Channel counts of one proxy: compare-and-set, so a 20-channel trunk never carries a 21st. */
public final class InMemoryChannelQuota implements ChannelQuota {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @Override
  public boolean tryAcquire(String key, int limit) {
    AtomicInteger count = counts.computeIfAbsent(key, k -> new AtomicInteger());
    while (true) {
      int now = count.get();
      if (now >= limit) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  @Override
  public void release(String key) {
    AtomicInteger count = counts.get(key);
    if (count != null) {
      count.updateAndGet(now -> Math.max(0, now - 1));
    }
  }

  @Override
  public int inUse(String key) {
    AtomicInteger count = counts.get(key);
    return count == null ? 0 : count.get();
  }
}
