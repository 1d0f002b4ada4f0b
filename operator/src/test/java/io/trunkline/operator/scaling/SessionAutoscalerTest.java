package io.trunkline.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.operator.scaling.SessionAutoscaler.Bounds;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionAutoscalerTest {

  private static final Bounds BOUNDS = new Bounds(2, 12, 200, Duration.ofMinutes(5));
  private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

  private final SessionAutoscaler autoscaler = new SessionAutoscaler();

  @Test
  void scalesUpAtOnceToWhatTheSessionsNeed() {
    assertThat(autoscaler.decide(2, 1_000, BOUNDS, T0)).isEqualTo(5);
    assertThat(autoscaler.decide(5, 1_001, BOUNDS, T0.plusSeconds(15))).isEqualTo(6);
  }

  @Test
  void staysWithinTheBounds() {
    assertThat(autoscaler.decide(2, 50_000, BOUNDS, T0)).isEqualTo(12);
    assertThat(new SessionAutoscaler().decide(2, 0, BOUNDS, T0)).isEqualTo(2);
    assertThat(new SessionAutoscaler().decide(40, 0, BOUNDS, T0)).isEqualTo(12);
  }

  @Test
  void scalesDownOnlyToTheHighestNeedOfTheStabilisationWindow() {
    assertThat(autoscaler.decide(2, 1_600, BOUNDS, T0)).isEqualTo(8);
    assertThat(autoscaler.decide(8, 900, BOUNDS, T0.plusSeconds(60))).isEqualTo(8);
    assertThat(autoscaler.decide(8, 300, BOUNDS, T0.plusSeconds(200))).isEqualTo(8);
    // The 1,600-session need left the window; 900 sessions (5 replicas) is still in it.
    assertThat(autoscaler.decide(8, 300, BOUNDS, T0.plusSeconds(301))).isEqualTo(5);
    assertThat(autoscaler.decide(5, 300, BOUNDS, T0.plusSeconds(361))).isEqualTo(2);
  }

  @Test
  void holdsTheSizeWhenSessionsAreUnknown() {
    assertThat(autoscaler.decide(7, null, BOUNDS, T0)).isEqualTo(7);
    assertThat(autoscaler.decide(7, null, BOUNDS, T0.plusSeconds(3600))).isEqualTo(7);
  }

  @Test
  void afterARestartHoldsThePresentSizeForOneWindow() {
    assertThat(autoscaler.decide(6, 100, BOUNDS, T0)).isEqualTo(6);
    assertThat(autoscaler.decide(6, 100, BOUNDS, T0.plusSeconds(299))).isEqualTo(6);
    assertThat(autoscaler.decide(6, 100, BOUNDS, T0.plusSeconds(301))).isEqualTo(2);
  }

  @Test
  void saysWhenTheWindowWillLetThePoolShrink() {
    autoscaler.decide(2, 1_600, BOUNDS, T0);
    assertThat(autoscaler.reviewAt(BOUNDS)).isEmpty();

    autoscaler.decide(8, 300, BOUNDS, T0.plusSeconds(60));

    assertThat(autoscaler.reviewAt(BOUNDS)).contains(T0.plusSeconds(300));
  }
}
