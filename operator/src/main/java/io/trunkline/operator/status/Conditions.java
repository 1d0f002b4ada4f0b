package io.trunkline.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Standard conditions (metav1.Condition) kept the Kubernetes way: a condition's lastTransitionTime
 * moves only when its status flips, so watchers see real transitions.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  public static Condition of(String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? TRUE : FALSE)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  /** A condition whose status the operator cannot tell, with why. */
  public static Condition unknown(String type, String reason, String message) {
    return new ConditionBuilder(of(type, false, reason, message)).withStatus(UNKNOWN).build();
  }

  /**
   * The conditions after setting {@code desired}: others keep their place, and {@code desired}
   * keeps the previous lastTransitionTime when its status did not change.
   */
  public static List<Condition> set(
      List<Condition> current, Condition desired, long generation, Clock clock) {
    List<Condition> next = new ArrayList<>();
    boolean replaced = false;
    for (Condition condition : current == null ? List.<Condition>of() : current) {
      if (desired.getType().equals(condition.getType())) {
        next.add(stamped(desired, condition, generation, clock));
        replaced = true;
      } else {
        next.add(condition);
      }
    }
    if (!replaced) {
      next.add(stamped(desired, null, generation, clock));
    }
    return next;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    return (conditions == null ? List.<Condition>of() : conditions)
        .stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** True when {@code desired} differs from what {@code current} says about its type. */
  public static boolean changes(List<Condition> current, Condition desired) {
    return find(current, desired.getType())
        .map(
            c ->
                !Objects.equals(c.getStatus(), desired.getStatus())
                    || !Objects.equals(c.getReason(), desired.getReason())
                    || !Objects.equals(c.getMessage(), desired.getMessage()))
        .orElse(true);
  }

  private static Condition stamped(
      Condition desired, Condition previous, long generation, Clock clock) {
    String transition =
        previous != null && Objects.equals(previous.getStatus(), desired.getStatus())
            ? previous.getLastTransitionTime()
            : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    return new ConditionBuilder(desired)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }
}
