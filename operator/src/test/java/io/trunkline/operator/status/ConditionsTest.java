package io.trunkline.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Clock EARLY =
      Clock.fixed(Instant.parse("2026-11-21T09:00:00Z"), ZoneOffset.UTC);
  private static final Clock LATE =
      Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void keepsTheTransitionTimeWhileTheStatusHolds() {
    List<Condition> first =
        Conditions.set(
            List.of(), Conditions.of("Ready", false, "PoolsNotReady", "0 ready"), 1, EARLY);
    List<Condition> second =
        Conditions.set(first, Conditions.of("Ready", false, "PoolsNotReady", "still 0"), 2, LATE);

    assertThat(second)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-21T09:00:00Z");
              assertThat(c.getMessage()).isEqualTo("still 0");
              assertThat(c.getObservedGeneration()).isEqualTo(2);
            });
  }

  @Test
  void movesTheTransitionTimeWhenTheStatusFlipsAndKeepsOtherConditions() {
    List<Condition> before =
        Conditions.set(
            List.of(Conditions.of("SnapshotCurrent", true, "Compiled", "v1")),
            Conditions.of("Ready", false, "PoolsNotReady", "0 ready"),
            1,
            EARLY);

    List<Condition> after =
        Conditions.set(before, Conditions.of("Ready", true, "PoolsReady", "1 ready"), 1, LATE);

    assertThat(after).extracting(Condition::getType).containsExactly("SnapshotCurrent", "Ready");
    assertThat(Conditions.find(after, "Ready").orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-11-21T10:00:00Z");
    assertThat(Conditions.isTrue(after, "Ready")).isTrue();
  }

  @Test
  void seesAChangeOnlyWhenStatusReasonOrMessageDiffer() {
    List<Condition> current =
        Conditions.set(List.of(), Conditions.of("Ready", true, "PoolsReady", "1 ready"), 1, EARLY);

    assertThat(Conditions.changes(current, Conditions.of("Ready", true, "PoolsReady", "1 ready")))
        .isFalse();
    assertThat(Conditions.changes(current, Conditions.of("Ready", true, "PoolsReady", "2 ready")))
        .isTrue();
    assertThat(Conditions.changes(current, Conditions.of("Ready", false, "InvalidRoute", "x")))
        .isTrue();
    assertThat(
            Conditions.changes(current, Conditions.of("SnapshotCurrent", true, "Compiled", "v1")))
        .isTrue();
  }
}
