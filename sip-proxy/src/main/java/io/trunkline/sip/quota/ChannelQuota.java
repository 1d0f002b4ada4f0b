package io.trunkline.sip.quota;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Counts channels (concurrent calls) per trunk and per line, and a trunk's calls per second. An
 * interface because one replica counts in memory while a pool of replicas shares its counts through
 * a store, where one claim is one round trip.
 */
public interface ChannelQuota {

  /**
   * A channel of {@code key}, of which at most {@code limit} may be held at once.
   *
   * @param pooled whether the pool's replicas may split the limit into shares when they cannot
   *     count together (a trunk's channels), or not (a line's one channel)
   * @param reserve of {@code limit}, the channels only emergency calls may take: a share never
   *     rounds them away, since those calls must go through
   */
  record Channel(String key, int limit, boolean pooled, int reserve) {

    /** A channel with no reserve. */
    public Channel(String key, int limit, boolean pooled) {
      this(key, limit, pooled, 0);
    }
  }

  /** What came of a claim. */
  sealed interface Outcome {
    /** Every channel was taken. */
    record Taken() implements Outcome {}

    /** The calls-per-second budget is spent; no channel was taken. */
    record OverRate() implements Outcome {}

    /**
     * @param channel the index in the claim of the first channel with none free; nothing was taken
     */
    record Full(int channel) implements Outcome {}
  }

  Outcome TAKEN = new Outcome.Taken();
  Outcome OVER_RATE = new Outcome.OverRate();

  /**
   * Spends one of {@code rateKey}'s {@code callsPerSecond} (0: no limit, and its bucket is left as
   * it is), then takes one channel of each of {@code channels}, all or nothing and exact under
   * races. A token spent on a claim that finds its channels full stays spent: a PBX retrying a full
   * trunk is still held to its rate.
   *
   * @param id the claim's name, unique in the pool; {@link #release} names it again
   */
  CompletionStage<Outcome> claim(
      String id, String rateKey, int callsPerSecond, List<Channel> channels);

  /** Returns the channels of {@code keys} that claim {@code id} took. */
  void release(String id, List<String> keys);

  /** Channels of {@code key} held now by calls through this replica. */
  int inUse(String key);
}
