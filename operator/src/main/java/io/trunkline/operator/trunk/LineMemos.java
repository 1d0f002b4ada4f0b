package io.trunkline.operator.trunk;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.config.LineMemo;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.watch.ChangeJournal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The memos of the trunks with more lines than one shard holds (decisions 0028 and 0030). Such a
 * trunk's reconciliation reads, hashes and versions only what changed since its last one; a smaller
 * trunk is compiled afresh, which takes a few milliseconds and keeps nothing between
 * reconciliations.
 *
 * <p>JOSDK reconciles a trunk on one thread at a time, so a memo is never used by two at once; the
 * map hands it from one reconciliation's thread to the next's.
 */
final class LineMemos {

  /**
   * What a trunk's last reconciliation made of its lines, and where it was in the journals of the
   * lines' and the Secrets' changes.
   */
  record Memo(
      LineMemo lines, ChangeJournal.Reader lineChanges, ChangeJournal.Reader secretChanges) {}

  private final Map<ResourceID, Memo> memos = new ConcurrentHashMap<>();

  /** The memo of the trunk's last reconciliation, or a new one. */
  Memo of(SipTrunk trunk) {
    Memo memo = memos.get(ResourceID.fromResource(trunk));
    return memo == null
        ? new Memo(new LineMemo(), new ChangeJournal.Reader(), new ChangeJournal.Reader())
        : memo;
  }

  /**
   * Keeps the trunk's memo after its reconciliation if it holds more than {@code linesPerShard}
   * lines, and forgets the memos of the trunks that no longer {@code exist}.
   */
  void settle(SipTrunk trunk, Memo memo, int linesPerShard, Predicate<ResourceID> exists) {
    ResourceID id = ResourceID.fromResource(trunk);
    if (memo.lines().size() > linesPerShard) {
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
