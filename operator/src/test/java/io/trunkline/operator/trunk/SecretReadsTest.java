package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.operator.watch.ChangeJournal;
import io.trunkline.operator.watch.ReadOnlyCaches;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretReadsTest {

  private static final String NAMESPACE = "office";
  private static final List<String> NAMES = List.of("line-1", "line-2", "line-3", "carrier");
  private static final List<String> FIELDS = List.of("password", "username");

  /**
   * The cache: Secrets by key, each write a new resourceVersion as the API server gives them, each
   * change recorded in the journal as the informer's store records it.
   */
  private final Map<String, Secret> cache = new HashMap<>();

  private final ChangeJournal journal = new ChangeJournal(8);
  private final SecretReads reads = new SecretReads();
  private int version;
  private int lookups;

  /**
   * Random writes, removals, writes of another namespace's Secret, more changes than the journal
   * holds, and lists afresh that miss a removal, between compilations that read random fields, some
   * failing before they end: every read gives what reading the cache afresh gives, and the Secrets
   * a lookup names as changed hold every one changed since the last compilation that ended.
   */
  @Test
  void everyReadGivesWhatTheCacheHoldsNowAfterRandomChanges() {
    Random random = new Random(7);
    Set<String> changed = new HashSet<>();
    for (int compilation = 0; compilation < 400; compilation++) {
      for (int change = random.nextInt(3); change > 0; change--) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        switch (random.nextInt(10)) {
          case 0 -> {
            // The informers made afresh: the first list does not see the Secret that went.
            cache.remove(key(name));
            journal.lost();
            changed.add(name);
          }
          case 1 -> {
            for (int i = 0; i < 9; i++) {
              put(NAMESPACE, "noise-" + i, "x");
            }
          }
          case 2 -> put("other", name, "pw-elsewhere");
          case 3, 4 -> {
            cache.remove(key(name));
            journal.changed(key(name));
            changed.add(name);
          }
          default -> {
            put(NAMESPACE, name, "pw-" + random.nextInt(3));
            changed.add(name);
          }
        }
      }
      TrunkCompiler.SecretLookup lookup = reads.begins(this::get, journal, NAMESPACE);
      Optional<Set<String>> told = lookup.changedSinceLast();
      if (told.isPresent()) {
        assertThat(told.get()).as("compilation %d", compilation).containsAll(changed);
      }
      for (int read = 0; read < 6; read++) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        Optional<Secret> now = Optional.ofNullable(cache.get(key(name)));
        assertThat(lookup.find(name, field))
            .as("compilation %d, %s's %s", compilation, name, field)
            .isEqualTo(now.flatMap(secret -> SecretValues.value(secret, field)));
      }
      if (random.nextInt(10) > 0) {
        reads.ends();
        changed.clear();
      }
    }
  }

  @Test
  void aSecretTheJournalNamesNoChangeOfIsNotLookedUp() {
    NAMES.forEach(name -> put(NAMESPACE, name, "pw"));
    compileReadingAll();
    int first = lookups;

    put(NAMESPACE, "line-2", "a new one");
    put("other", "line-3", "elsewhere");
    Map<String, String> read = compileReadingAll();

    assertThat(first).isEqualTo(NAMES.size());
    assertThat(lookups - first).as("line-2 alone").isOne();
    assertThat(read).containsEntry("line-2", "a new one").containsEntry("line-3", "pw");
  }

  /** A relist gives new objects of the same versions: those are not decoded again either. */
  @Test
  void aVersionLookedUpAgainIsNotDecodedAgain() {
    put(NAMESPACE, "line-1", "pw");
    String first = reads.begins(this::get, journal, NAMESPACE).find("line-1", "password").get();
    reads.ends();

    journal.lost();
    cache.put(key("line-1"), new SecretBuilder(cache.get(key("line-1"))).build());
    String relisted = reads.begins(this::get, journal, NAMESPACE).find("line-1", "password").get();
    reads.ends();
    put(NAMESPACE, "line-1", "pw");
    String rewritten = reads.begins(this::get, journal, NAMESPACE).find("line-1", "password").get();

    assertThat(lookups).isEqualTo(3);
    assertThat(relisted).isSameAs(first);
    assertThat(rewritten).isEqualTo(first).isNotSameAs(first);
  }

  @Test
  void aCompilationForgetsTheSecretsItDidNotRead() {
    NAMES.forEach(name -> put(NAMESPACE, name, "pw"));
    compileReadingAll();
    assertThat(reads.size()).isEqualTo(NAMES.size());

    reads.begins(this::get, journal, NAMESPACE).find("line-2", "password");
    reads.ends();

    assertThat(reads.size()).isOne();
  }

  /** One compilation reading every name's password, by name. */
  private Map<String, String> compileReadingAll() {
    TrunkCompiler.SecretLookup lookup = reads.begins(this::get, journal, NAMESPACE);
    Map<String, String> read = new HashMap<>();
    NAMES.forEach(name -> lookup.find(name, "password").ifPresent(pw -> read.put(name, pw)));
    reads.ends();
    return read;
  }

  private Secret get(String namespace, String key) {
    assertThat(namespace).isEqualTo(NAMESPACE);
    lookups++;
    return cache.get(key);
  }

  /** A write of the Secret, as the API server and then the informer's store make it. */
  private void put(String namespace, String name, String password) {
    String key = ReadOnlyCaches.key(namespace, name);
    cache.put(
        key,
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withResourceVersion(String.valueOf(++version))
            .endMetadata()
            .withData(Map.of("password", base64(password), "username", base64("u-" + password)))
            .build());
    journal.changed(key);
  }

  private static String key(String name) {
    return ReadOnlyCaches.key(NAMESPACE, name);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
