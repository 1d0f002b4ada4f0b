package io.trunkline.sip.routing;

import io.trunkline.api.config.TrunkConfig;
import java.util.List;

/** What a RoutePolicy says about one call. */
public sealed interface RouteDecision {

  /**
   * Try these carriers in order: failover by priority, weighted draw within one priority.
   *
   * @param rule the rule that matched, or null for the trunk's own carrier order
   */
  record Forward(String rule, List<TrunkConfig.Carrier> carriers) implements RouteDecision {
    public Forward {
      carriers = List.copyOf(carriers);
    }
  }

  /** Refuse with this final response (e.g. 403 for blocked destinations). */
  record Reject(String rule, int status, String reason) implements RouteDecision {}

  /** No rule matches: 404 (RFC 3261 §21.4.5). */
  record NoRoute() implements RouteDecision {}
}
