package io.trunkline.sip.quota;

import java.util.ArrayList;
import java.util.List;

/** The channels one call holds (trunk, caller line, callee line), returned exactly once. */
public final class CallChannels {

  private final ChannelQuota quota;
  private final List<String> keys = new ArrayList<>();
  private boolean released;

  public CallChannels(ChannelQuota quota) {
    this.quota = quota;
  }

  /** Takes a channel of {@code key}; false (holding nothing more) when none is free. */
  public synchronized boolean take(String key, int limit) {
    if (!quota.tryAcquire(key, limit)) {
      return false;
    }
    keys.add(key);
    return true;
  }

  public synchronized void release() {
    if (released) {
      return;
    }
    released = true;
    keys.forEach(quota::release);
  }
}
