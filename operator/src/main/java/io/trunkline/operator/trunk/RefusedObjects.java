package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.trunkline.operator.status.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a trunk's Ready condition says when the API server refuses an object the operator renders
 * for it: a node port another Service holds, a namespace's quota, an admission policy. Without it
 * the refusal would be in the operator's log only, and the trunk would read as merely not ready.
 * The API server's own words are kept, since they name the object, the field and the value.
 */
final class RefusedObjects {

  static final String REASON = "ObjectRefused";

  /** Whole words a user needs, and no more: an API server message can run to kilobytes. */
  private static final int MESSAGE_LIMIT = 1024;

  private RefusedObjects() {}

  /**
   * The Ready condition for a failed reconciliation, when the cause is an object the API server
   * refused; empty for other failures (the API server unreachable, a conflict), which the retry
   * that follows resolves without anyone's action.
   */
  static Optional<Condition> condition(Exception failure) {
    List<String> refusals = new ArrayList<>();
    collect(failure, refusals);
    if (refusals.isEmpty()) {
      return Optional.empty();
    }
    String message = String.join("; ", refusals);
    if (message.length() > MESSAGE_LIMIT) {
      message = message.substring(0, MESSAGE_LIMIT - 3) + "...";
    }
    return Optional.of(Conditions.of(Conditions.READY, false, REASON, message));
  }

  /** Walks the failure's causes; JOSDK wraps the workflow's failures, one per dependent. */
  private static void collect(Throwable failure, List<String> refusals) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof AggregatedOperatorException aggregated) {
        for (Map.Entry<String, Exception> each : aggregated.getAggregatedExceptions().entrySet()) {
          collect(each.getValue(), refusals);
        }
        return;
      }
      if (cause instanceof KubernetesClientException refused && refusedForGood(refused)) {
        refusals.add(
            refused.getStatus() != null && refused.getStatus().getMessage() != null
                ? refused.getStatus().getMessage()
                : refused.getMessage());
        return;
      }
    }
  }

  /**
   * 422 Unprocessable (invalid: a node port already allocated), 403 Forbidden (a quota, RBAC, an
   * admission policy): the same request fails again until someone changes something.
   */
  private static boolean refusedForGood(KubernetesClientException refused) {
    return Set.of(403, 422).contains(refused.getCode());
  }
}
