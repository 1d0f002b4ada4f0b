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
  void keepsItsOrderAsItsRingGrowsAroundTheEnd() {
    // A ring that has wrapped (its oldest entry not in the first slot) grows with the oldest first.
    for (int i = 0; i < 50; i++) {
      lingering.end(end("early" + i), 1_000);
    }
    clock.advance(1_000);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lingering.end(end("late" + i), 1_000);
      expected.add("late" + i + " at 2000");
    }
    ended.clear();

    clock.advance(999);
    assertThat(ended).isEmpty();
    clock.advance(1);
    assertThat(ended).containsExactlyElementsOf(expected);
  }

  @Test
  void endsAtOnceWithoutADelay() {
    // A reliable transport's transactions do not linger (§17.1.1.2, §17.2.2).
    lingering.end(end("A"), 0);

    assertThat(ended).containsExactly("A at 0");
  }

  private Transaction end(String name) {
    return new Transaction() {
      @Override
      void terminate() {
        ended.add(name + " at " + clock.millis());
      }
    };
  }
}
