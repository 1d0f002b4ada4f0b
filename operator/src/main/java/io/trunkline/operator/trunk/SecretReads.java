package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.SharedInformer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The Secrets one large trunk's compilation read, each with its cache key and the value it read, so
 * that the next compilation decodes again only the Secrets that changed: for a trunk of 10,000
 * lines, building the keys and decoding the passwords of Secrets that had not changed took two
 * fifths of compiling it (bench/operator-scale.sh, decision 0030).
 *
 * <p>A Secret has changed when the cache holds another resourceVersion of it: the API server gives
 * every write a new one. Not thread-safe: JOSDK reconciles a trunk on one thread at a time.
 */
final class SecretReads {

  private final Map<String, Read> reads = new HashMap<>();
  private int round;
  private int seen;

  /** One Secret as the last compilation read it. */
  private static final class Read {
    private final String key;
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
   * namespace and a key ({@link SharedInformer#get(String, String)}); {@link #ends} then forgets
   * the Secrets it did not read.
   */
  TrunkCompiler.SecretLookup begins(BiFunction<String, String, Secret> cache, String namespace) {
    round++;
    seen = 0;
    return (name, field) -> read(cache, namespace, name, field);
  }

  /** Forgets the Secrets the compilation did not read: no line names them any more. */
  void ends() {
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
    Secret secret = cache.apply(namespace, read.key);
    String version = secret == null ? null : secret.getMetadata().getResourceVersion();
    if (version == null || !version.equals(read.resourceVersion) || !field.equals(read.field)) {
      read.resourceVersion = version;
      read.field = field;
      read.value = secret == null ? Optional.empty() : SecretValues.value(secret, field);
    }
    return read.value;
  }
}
