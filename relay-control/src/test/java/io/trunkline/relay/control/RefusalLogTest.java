package io.trunkline.relay.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefusalLogTest {

  private static final long MINUTE = Duration.ofMinutes(1).toNanos();

  /** Starts anywhere on the nanoTime scale, also where adding the interval overflows. */
  @ParameterizedTest
  @ValueSource(longs = {0L, -5_000_000_000L, Long.MAX_VALUE - 1_000L})
  void logsTheFirstAtOnceThenOneLinePerIntervalWithTheCountHeldBack(long start) {
    RefusalLog log = new RefusalLog(Duration.ofMinutes(1), start);

    assertThat(log.refused(start)).isEqualTo(1);
    assertThat(log.refused(start + 1)).isZero();
    assertThat(log.refused(start + MINUTE / 2)).isZero();
    assertThat(log.refused(start + MINUTE - 1)).isZero();
    assertThat(log.refused(start + MINUTE)).isEqualTo(4);
    assertThat(log.refused(start + MINUTE + 1)).isZero();
    assertThat(log.refused(start + 3 * MINUTE)).isEqualTo(2);
  }
}
