package io.trunkline.operator.trunk;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each trunk's shards as last split (decision 0027), so that a reconciliation writes out and hashes
 * again only the shards a change touched. Held in memory only: after a restart the first
 * reconciliation of each trunk hashes all its shards once.
 */
final class LastShards {

  private final Map<ResourceID, List<LineShard>> shards = new ConcurrentHashMap<>();

  List<LineShard> of(SipTrunk trunk) {
    return shards.getOrDefault(ResourceID.fromResource(trunk), List.of());
  }

  void remember(SipTrunk trunk, List<LineShard> split) {
    shards.put(ResourceID.fromResource(trunk), split);
  }

  /** Forgets the trunks that are gone; the operator keeps no finalizer to be told of them. */
  void forgetDeleted(Context<SipTrunk> context) {
    shards.keySet().removeIf(trunk -> context.getPrimaryCache().get(trunk).isEmpty());
  }
}
