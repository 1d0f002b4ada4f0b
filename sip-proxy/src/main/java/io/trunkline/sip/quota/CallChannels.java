package io.trunkline.sip.quota;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The channels one admitted call holds (trunk, caller line, callee line), returned exactly once.
 */
public final class CallChannels {

  private final ChannelQuota quota;
  private final String claim;
  private final List<String> keys;
  private final AtomicBoolean released = new AtomicBoolean();

  public CallChannels(ChannelQuota quota, String claim, List<String> keys) {
    this.quota = quota;
    this.claim = claim;
    this.keys = List.copyOf(keys);
  }

  public void release() {
    if (released.compareAndSet(false, true)) {
      quota.release(claim, keys);
    }
  }
}
