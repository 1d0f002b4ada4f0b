package io.trunkline.operator.scaling;

import java.util.Set;

/**
 * What a trunk's proxy pool reported in one scrape: its concurrent sessions (calls), summed over
 * the pods that answered, which of the trunk's carriers those pods keep in rotation, and how many
 * of them cannot reach the trunk's store. A carrier in neither set is reported by no answering
 * proxy: not probed yet, or not known to the proxies.
 *
 * @param sessions calls in progress across the answering proxies
 * @param podsAnswered proxies whose metrics were read
 * @param podsSilent ready proxies whose metrics could not be read
 * @param carriersUp carriers at least one answering proxy keeps in rotation: a carrier one proxy
 *     can reach takes calls
 * @param carriersDown carriers the answering proxies report, all of them out of rotation
 * @param podsOnShare answering proxies that run on their share of the trunk because they cannot
 *     reach its store
 */
public record SessionCount(
    int sessions,
    int podsAnswered,
    int podsSilent,
    Set<String> carriersUp,
    Set<String> carriersDown,
    int podsOnShare) {

  public SessionCount {
    carriersUp = Set.copyOf(carriersUp);
    carriersDown = Set.copyOf(carriersDown);
  }

  /** True when every ready proxy was counted, so the sum can size the pool. */
  public boolean complete() {
    return podsSilent == 0 && podsAnswered > 0;
  }
}
