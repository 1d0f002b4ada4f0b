package io.trunkline.operator.scaling;

/**
 * Concurrent sessions (calls) of a trunk's proxy pool, summed over the pods that answered.
 *
 * @param sessions calls in progress across the answering proxies
 * @param podsAnswered proxies whose metrics were read
 * @param podsSilent ready proxies whose metrics could not be read
 */
public record SessionCount(int sessions, int podsAnswered, int podsSilent) {

  /** True when every ready proxy was counted, so the sum can size the pool. */
  public boolean complete() {
    return podsSilent == 0 && podsAnswered > 0;
  }
}
