package io.trunkline.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lingering transactions end after their own delay, whatever else lingers beside them. */
class LingeringTest {

  private final ManualScheduler clock = new ManualScheduler();
  private final Lingering lingering = new Lingering(clock);
  private final List<String> ended = new ArrayList<>();

  @Test
  void endsEachAfterItsOwnDelayInTheOrderTheyBegan() {
    lingering.end(end("A"), 32_000);
    clock.advance(1_000);
    lingering.end(end("B"), 32_000);
    lingering.end(end("C"), 5_000);

    clock.advance(4_999);
    assertThat(ended).isEmpty();
    clock.advance(1);
    assertThat(ended).containsExactly("C at 6000");

    clock.advance(25_999);
    assertThat(ended).containsExactly("C at 6000");
    clock.advance(1);
    assertThat(ended).containsExactly("C at 6000", "A at 32000");
    clock.advance(1_000);
    assertThat(ended).containsExactly("C at 6000", "A at 32000", "B at 33000");
  }

  @Test
  void aQueueThatEmptiedWaitsAgainForWhatComesNext() {
    lingering.end(end("A"), 5_000);
    clock.advance(10_000);
    lingering.end(end("B"), 5_000);

    clock.advance(4_999);
    assertThat(ended).containsExactly("A at 5000");
    clock.advance(1);
    assertThat(ended).containsExactly("A at 5000", "B at 15000");
  }

  @Test
  void endsAtOnceWithoutADelay() {
    // A reliable transport's transactions do not linger (§17.1.1.2, §17.2.2).
    lingering.end(end("A"), 0);

    assertThat(ended).containsExactly("A at 0");
  }

  private Runnable end(String name) {
    return () -> ended.add(name + " at " + clock.millis());
  }
}
