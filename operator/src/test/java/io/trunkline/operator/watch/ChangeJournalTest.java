package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
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
