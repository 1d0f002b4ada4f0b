package io.trunkline.operator.trunk;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.config.LineMemo;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The line memos of the trunks with more lines than one shard holds (decision 0028). Such a trunk's
 * reconciliation hashes and versions only what changed since its last one; a smaller trunk is
 * compiled afresh, which takes a few milliseconds and keeps nothing between reconciliations.
 *
 * <p>JOSDK reconciles a trunk on one thread at a time, so a memo is never used by two at once; the
 * map hands it from one reconciliation's thread to the next's.
 */
final class LineMemos {

  private final Map<ResourceID, LineMemo> memos = new ConcurrentHashMap<>();

  /** The memo of the trunk's last reconciliation, or a new one. */
  LineMemo of(SipTrunk trunk) {
    LineMemo memo = memos.get(ResourceID.fromResource(trunk));
    return memo == null ? new LineMemo() : memo;
  }

  /**
   * Keeps the trunk's memo after its reconciliation if it holds more than {@code linesPerShard}
   * lines, and forgets the memos of the trunks that no longer {@code exist}.
   */
  void settle(SipTrunk trunk, LineMemo memo, int linesPerShard, Predicate<ResourceID> exists) {
    ResourceID id = ResourceID.fromResource(trunk);
    if (memo.size() > linesPerShard) {
      memos.put(id, memo);
    } else {
      memos.remove(id);
    }
    memos.keySet().removeIf(exists.negate());
  }

  /** How many trunks have a memo. */
  int size() {
    return memos.size();
  }
}
