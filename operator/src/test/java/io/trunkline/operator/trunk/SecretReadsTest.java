package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.operator.watch.ReadOnlyCaches;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretReadsTest {

  private static final String NAMESPACE = "office";
  private static final List<String> NAMES = List.of("line-1", "line-2", "line-3", "carrier");
  private static final List<String> FIELDS = List.of("password", "username");

  /** The cache: Secrets by key, each change a new resourceVersion, as the API server gives them. */
  private final Map<String, Secret> cache = new HashMap<>();

  private final SecretReads reads = new SecretReads();
  private int version;

  /**
   * Random changes, additions and removals between compilations, each reading random fields: every
   * read gives what reading the cache afresh gives.
   */
  @Test
  void everyReadGivesWhatTheCacheHoldsNowAfterRandomChanges() {
    Random random = new Random(7);
    for (int compilation = 0; compilation < 200; compilation++) {
      String changed = NAMES.get(random.nextInt(NAMES.size()));
      switch (random.nextInt(3)) {
        case 0 -> cache.remove(key(changed));
        default ->
            cache.put(
                key(changed), secret(changed, "pw-" + random.nextInt(3), "u" + random.nextInt(3)));
      }
      TrunkCompiler.SecretLookup lookup = reads.begins(this::get, NAMESPACE);
      for (int read = 0; read < 6; read++) {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String field = FIELDS.get(random.nextInt(FIELDS.size()));
        Optional<Secret> now = Optional.ofNullable(cache.get(key(name)));
        assertThat(lookup.find(name, field))
            .as("compilation %d, %s's %s", compilation, name, field)
            .isEqualTo(now.flatMap(secret -> SecretValues.value(secret, field)));
      }
      reads.ends();
    }
  }

  /** A relist gives new objects of the same versions: those are not decoded again either. */
  @Test
  void aVersionIsDecodedOnceAndANewVersionAgain() {
    Secret secret = secret("line-1", "pw", "u1");
    cache.put(key("line-1"), secret);
    String first = reads.begins(this::get, NAMESPACE).find("line-1", "password").orElseThrow();
    reads.ends();

    cache.put(key("line-1"), new SecretBuilder(secret).build());
    String relisted = reads.begins(this::get, NAMESPACE).find("line-1", "password").orElseThrow();
    reads.ends();
    cache.put(key("line-1"), secret("line-1", "pw", "u1"));
    String rewritten = reads.begins(this::get, NAMESPACE).find("line-1", "password").orElseThrow();

    assertThat(relisted).isSameAs(first);
    assertThat(rewritten).isEqualTo(first).isNotSameAs(first);
  }

  @Test
  void aCompilationForgetsTheSecretsItDidNotRead() {
    NAMES.forEach(name -> cache.put(key(name), secret(name, "pw", "u")));
    TrunkCompiler.SecretLookup all = reads.begins(this::get, NAMESPACE);
    NAMES.forEach(name -> all.find(name, "password"));
    reads.ends();
    assertThat(reads.size()).isEqualTo(NAMES.size());

    reads.begins(this::get, NAMESPACE).find("line-2", "password");
    reads.ends();

    assertThat(reads.size()).isOne();
  }

  private Secret get(String namespace, String key) {
    assertThat(namespace).isEqualTo(NAMESPACE);
    return cache.get(key);
  }

  private static String key(String name) {
    return ReadOnlyCaches.key(NAMESPACE, name);
  }

  private Secret secret(String name, String password, String username) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .withResourceVersion(String.valueOf(++version))
        .endMetadata()
        .withData(Map.of("password", base64(password), "username", base64(username)))
        .build();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
