package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeJournalTest {

  private final ChangeJournal journal = new ChangeJournal(3);

  @Test
  void aReaderLearnsTheChangesSinceItsPositionInOrder() {
    journal.changed("office/a");
    long position = journal.position();
    journal.changed("office/b");
    journal.changed("office/a");

    assertThat(journal.changesSince(position)).contains(List.of("office/b", "office/a"));
    assertThat(journal.changesSince(journal.position())).contains(List.of());
    assertThat(journal.changesSince(journal.position() + 1)).as("a position to come").isEmpty();
  }

  /**
   * A compilation's reader learns the names changed in its namespace since the last compilation
   * that ended; one that fails before it ends leaves the next to learn its changes too.
   */
  @Test
  void aReaderIsToldTheNamesOfItsNamespaceChangedSinceTheLastCompilationThatEnded() {
    ChangeJournal.Reader reader = new ChangeJournal.Reader();
    assertThat(reader.begins(journal, "office")).as("the first compilation").isEmpty();
    reader.ends();

    journal.changed("office/a");
    journal.changed("lab/b");
    assertThat(reader.begins(journal, "office")).contains(Set.of("a"));
    // This compilation fails: it does not end.

    journal.changed("office/c");
    assertThat(reader.begins(journal, "office")).contains(Set.of("a", "c"));
    reader.ends();

    assertThat(reader.begins(journal, "office")).contains(Set.of());
  }

  /**
   * Random changes of a namespace's resources and of another's, more changes than the journal
   * holds, and informers made afresh, between compilations of which some fail before they end: a
   * reader is told either that it cannot know, or of every name changed since the last compilation
   * that ended.
   */
  @Test
  void aReaderIsToldOfEveryChangeSinceTheLastCompilationThatEndedAfterRandomChanges() {
    ChangeJournal small = new ChangeJournal(8);
    ChangeJournal.Reader reader = new ChangeJournal.Reader();
    Random random = new Random(7);
    Set<String> changed = new HashSet<>();
    int told = 0;
    for (int compilation = 0; compilation < 400; compilation++) {
      for (int change = random.nextInt(3); change > 0; change--) {
        String name = "line-" + random.nextInt(4);
        switch (random.nextInt(10)) {
          case 0 -> {
            small.lost();
            changed.add(name);
          }
          case 1 -> {
            for (int i = 0; i < 9; i++) {
              small.changed("office/noise-" + i);
              changed.add("noise-" + i);
            }
          }
          case 2 -> small.changed("lab/" + name);
          default -> {
            small.changed("office/" + name);
            changed.add(name);
          }
        }
      }
      Optional<Set<String>> names = reader.begins(small, "office");
      if (names.isPresent()) {
        told++;
        assertThat(names.get()).as("compilation %d", compilation).containsAll(changed);
        assertThat(names.get()).as("compilation %d", compilation).noneMatch(n -> n.contains("/"));
      }
      if (random.nextInt(10) > 0) {
        reader.ends();
        changed.clear();
      }
    }
    assertThat(told).as("compilations told what changed").isGreaterThan(200);
  }

  @Test
  void aReaderFromFurtherBackThanItHoldsIsToldItCannotKnow() {
    long start = journal.position();
    journal.changed("office/a");
    journal.changed("office/b");
    journal.changed("office/c");
    assertThat(journal.changesSince(start)).contains(List.of("office/a", "office/b", "office/c"));

    journal.changed("office/d");

    assertThat(journal.changesSince(start)).isEmpty();
    assertThat(journal.changesSince(start + 1))
        .contains(List.of("office/b", "office/c", "office/d"));
  }

  @Test
  void aReaderFromBeforeTheInformersWereMadeAfreshIsToldItCannotKnow() {
    long before = journal.position();
    journal.changed("office/a");
    long last = journal.position();
    journal.lost();
    long after = journal.position();
    journal.changed("office/b");

    assertThat(journal.changesSince(before)).isEmpty();
    assertThat(journal.changesSince(last)).as("no change between it and the loss").isEmpty();
    assertThat(journal.changesSince(after)).contains(List.of("office/b"));
  }

  @Test
  void aStoreRecordsEachChangeAfterMakingIt() {
    CompactItemStore<Secret> store = new CompactItemStore<>(journal);
    long position = journal.position();
    Secret secret = new Secret();
    secret.setMetadata(new ObjectMetaBuilder().withName("a").withNamespace("office").build());

    store.put("office/a", secret);
    store.remove("office/a");

    assertThat(journal.changesSince(position)).contains(List.of("office/a", "office/a"));
  }

  @Test
  void aJournalHoldsAtLeastOneChange() {
    assertThatThrownBy(() -> new ChangeJournal(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
