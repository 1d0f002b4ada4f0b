package io.trunkline.operator.watch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the last changes a {@link SharedInformer}'s stores made, in order, for a reader that
 * keeps what it read and asks which of it changed since: a trunk of 10,000 lines looked up all its
 * Secrets in the cache on every change to learn that one of them had changed (decision 0030).
 *
 * <p>A store records a change after it made it, on the informer's thread, before the informer tells
 * anyone of it; so a reader that takes a {@link #position} before it reads sees in the cache every
 * change recorded before that position, and learns of any later one by asking again. The journal
 * holds the last {@code capacity} changes; a reader asking from further back, or from before the
 * informers were made afresh ({@link #lost}), is told that it cannot know.
 */
public final class ChangeJournal {

  private final String[] keys;

  /** The position of the next change: changes are numbered from 0. Guarded by this. */
  private long next;

  /** The first position from which every change is still known. Guarded by this. */
  private long known;

  public ChangeJournal(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a journal holds at least one change: " + capacity);
    }
    this.keys = new String[capacity];
  }

  /** Records that the resource filed under {@code key} was added, changed or removed. */
  public synchronized void changed(String key) {
    keys[(int) (next % keys.length)] = key;
    next++;
    known = Math.max(known, next - keys.length);
  }

  /**
   * Records that changes went unrecorded: the informers were made afresh, and their first list does
   * not tell what went while none was running.
   */
  public synchronized void lost() {
    // A position of its own, so that a reader which took the one before is told it cannot know.
    next++;
    known = next;
  }

  /** The position after the last change recorded. */
  public synchronized long position() {
    return next;
  }

  /**
   * The keys changed from position {@code from} up to the last change, in order and perhaps more
   * than once; empty if the journal no longer knows all of them.
   */
  public synchronized Optional<List<String>> changesSince(long from) {
    if (from < known || from > next) {
      return Optional.empty();
    }
    List<String> changed = new ArrayList<>((int) (next - from));
    for (long position = from; position < next; position++) {
      changed.add(keys[(int) (position % keys.length)]);
    }
    return Optional.of(changed);
  }

  /**
   * One reader's place in a journal, for a reader that reads the resources of one namespace once
   * per compilation: which of them changed since its last compilation that ended. One that fails
   * part-way does not move it, so the next is told of everything since the last that ended. Not
   * thread-safe: one trunk's compilations run one at a time.
   */
  public static final class Reader {

    /**
     * The journal's position when the last compilation that ended began, or -1 before the first.
     */
    private long position = -1;

    /** The journal's position when this compilation began. */
    private long beginning = -1;

    /**
     * Begins a compilation: the names of the resources of {@code namespace} changed since the last
     * compilation that ended, or empty if {@code journal} cannot tell or none ended yet.
     */
    public Optional<Set<String>> begins(ChangeJournal journal, String namespace) {
      // Taken before any read of the cache: a change recorded after it is told next time.
      beginning = journal.position();
      if (position < 0) {
        return Optional.empty();
      }
      String prefix = ReadOnlyCaches.key(namespace, "");
      return journal
          .changesSince(position)
          .map(
              keys -> {
                Set<String> names = new HashSet<>();
                for (String key : keys) {
                  if (key.startsWith(prefix)) {
                    names.add(key.substring(prefix.length()));
                  }
                }
                return names;
              });
    }

    /** Ends the compilation begun last: the next is told of the changes since it began. */
    public void ends() {
      position = beginning;
    }
  }
}
