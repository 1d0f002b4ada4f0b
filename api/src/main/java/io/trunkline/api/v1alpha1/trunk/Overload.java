package io.trunkline.api.v1alpha1.trunk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.trunkline.api.v1alpha1.Defaults;

/**
 * When a trunk's proxy, running behind its messages, refuses new calls at once (503 Overloaded,
 * Retry-After 2 s) rather than let them time out at their callers, whose retransmissions would add
 * to the load. Calls already set up, REGISTERs and calls to emergency numbers go on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Overload {

  @Default("" + Defaults.OVERLOAD_MAX_BACKLOG)
  @Min(10)
  @Max(100_000)
  @JsonPropertyDescription(
      "Messages and steps waiting on a new call's worker beyond which the call is refused. At"
          + " some 60 microseconds each, the default is over 100 ms of work, a good part of the"
          + " 500 ms after which callers retransmit (RFC 3261 T1); a slower machine wants less.")
  private Integer maxBacklog;

  public Integer getMaxBacklog() {
    return maxBacklog;
  }

  public void setMaxBacklog(Integer maxBacklog) {
    this.maxBacklog = maxBacklog;
  }
}
