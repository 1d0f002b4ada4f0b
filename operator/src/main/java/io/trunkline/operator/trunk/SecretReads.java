package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.operator.watch.ChangeJournal;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.SharedInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The Secrets one large trunk's compilation read and the values it read, so that the next
 * compilation reads again only the Secrets that changed: for a trunk of 10,000 lines, looking up
 * and decoding the passwords of Secrets that had not changed took two fifths of compiling it
 * (bench/operator-scale.sh, decision 0030).
 *
 * <p>Two checks, either of which alone keeps the values right. The cache's {@link ChangeJournal}
 * tells which Secrets changed since the last compilation: the others are not looked up at all. A
 * Secret looked up is decoded again only if the cache holds another resourceVersion of it, which
 * the API server gives every write; so when the journal cannot tell (the cache listed afresh, or
 * more changed than it holds), everything is looked up and little decoded. Not thread-safe: JOSDK
 * reconciles a trunk on one thread at a time.
 */
final class SecretReads {

  private final Map<String, Read> reads = new HashMap<>();
  private int round;
  private int seen;

  /** Which Secrets changed since the last compilation that ended. */
  private final ChangeJournal.Reader changes = new ChangeJournal.Reader();

  /** One Secret as a compilation read it. */
  private static final class Read {
    private final String key;

    /** Whether no change reached the cache since it was read, as far as the journal tells. */
    private boolean current;

    private String resourceVersion;
    private String field;
    private Optional<String> value;
    private int round;

    private Read(String key) {
      this.key = key;
    }
  }

  /**
   * Reads the Secrets of {@code namespace} for one compilation from {@code cache}, given a
   * namespace and a key ({@link SharedInformer#get(String, String)}), trusting what it read before
   * for the Secrets {@code journal} names no change of; {@link #ends} then forgets the Secrets the
   * compilation did not read.
   */
  TrunkCompiler.SecretLookup begins(
      BiFunction<String, String, Secret> cache, ChangeJournal journal, String namespace) {
    round++;
    seen = 0;
    Optional<Set<String>> names = changes.begins(journal, namespace);
    if (names.isEmpty()) {
      reads.values().forEach(read -> read.current = false);
    } else {
      for (String name : names.get()) {
        Read read = reads.get(name);
        if (read != null) {
          read.current = false;
        }
      }
    }
    return new TrunkCompiler.SecretLookup() {
      @Override
      public Optional<String> find(String name, String field) {
        return read(cache, namespace, name, field);
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return names;
      }
    };
  }

  /**
   * Ends the compilation, and forgets the Secrets it did not read: the lines that name them hold
   * what was read of them (decision 0031).
   */
  void ends() {
    changes.ends();
    if (reads.size() > seen) {
      reads.values().removeIf(read -> read.round != round);
    }
  }

  /** How many Secrets it remembers. */
  int size() {
    return reads.size();
  }

  private Optional<String> read(
      BiFunction<String, String, Secret> cache, String namespace, String name, String field) {
    Read read = reads.get(name);
    if (read == null) {
      read = new Read(ReadOnlyCaches.key(namespace, name));
      reads.put(name, read);
    }
    if (read.round != round) {
      read.round = round;
      seen++;
    }
    if (read.current && field.equals(read.field)) {
      return read.value;
    }
    Secret secret = cache.apply(namespace, read.key);
    String version = secret == null ? null : secret.getMetadata().getResourceVersion();
    if (version == null || !version.equals(read.resourceVersion) || !field.equals(read.field)) {
      read.resourceVersion = version;
      read.field = field;
      read.value = secret == null ? Optional.empty() : SecretValues.value(secret, field);
    }
    read.current = true;
    return read.value;
  }
}
