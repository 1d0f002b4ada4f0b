package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.DigestAlgorithm;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LineMemoTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final int LINES = 40;
  private static final int SHARDS = 4;

  /**
   * Lines in the random test: more than a memo patches its lines in force among, so that a lookup
   * that cannot tell which Secrets changed lays them out afresh.
   */
  private static final int RANDOM_LINES = 100;

  private final Map<String, String> passwords = new HashMap<>();
  private final LineMemo memo = new LineMemo();
  private int version;

  /**
   * Every change a line or its Secret can make, one after another through one memo: each must give
   * the snapshot, credentials and versions a compilation without the memo gives.
   */
  @Test
  void aCompilationWithTheMemoGivesWhatOneWithoutGivesAfterEveryChange() {
    SipTrunk trunk = trunk("acme");
    List<SipLine> lines = lines(LINES);
    assertSameAsAfresh(trunk, lines);

    List<UnaryOperator<List<SipLine>>> changes =
        List.of(
            same -> {
              passwords.put("line-3", "a new password");
              return same;
            },
            changing(5, line -> line.getSpec().setNumber("+4930999")),
            changing(6, line -> line.getSpec().setUsername("someone-else")),
            changing(7, line -> line.getSpec().setDisplayName("Anna")),
            changing(8, line -> line.getSpec().setChannels(2)),
            changing(9, line -> line.getMetadata().setName("line-9-renamed")),
            // A rival claims line-10's user name and is left out; then line-10 goes.
            all -> {
              List<SipLine> more = new ArrayList<>(all);
              more.add(line("zz-rival", "u10"));
              return more;
            },
            all -> all.stream().filter(l -> !"line-10".equals(l.getMetadata().getName())).toList(),
            // The Secret is gone, then back with its old password.
            same -> {
              passwords.remove("line-11");
              return same;
            },
            same -> {
              passwords.put("line-11", "pw-line-11");
              return same;
            });
    for (UnaryOperator<List<SipLine>> change : changes) {
      lines = change.apply(lines);
      assertSameAsAfresh(trunk, lines);
    }
    // The same line objects under other trunk-wide digest algorithms, and back: each line without
    // algorithms of its own takes the trunk's.
    assertSameAsAfresh(trunk("acme", "  sip: {digestAlgorithms: [SHA-256]}\n"), lines);
    assertSameAsAfresh(trunk, lines);
    // Another trunk's name is another realm: every HA1 value changes with it.
    assertSameAsAfresh(trunk("globex"), relabel(lines, "globex"));
  }

  /**
   * The API server gives every write a new resourceVersion: a version compiled before is not
   * compiled again, though a relist gives another object of it; a new version, or a line without
   * one, is. A relisted object that differs under the same version shows which were compiled.
   */
  @Test
  void aLineVersionCompiledBeforeIsNotCompiledAgain() {
    SipTrunk trunk = trunk("acme");
    List<SipLine> lines = lines(LINES);
    List<TrunkConfig.Line> before = compile(trunk, lines, memo).config().lines();

    List<SipLine> relisted = new ArrayList<>(lines.stream().map(LineMemoTest::copy).toList());
    relisted.forEach(line -> line.getSpec().setDisplayName("relisted"));
    List<SipLine> rewritten = changing(5, line -> {}).apply(relisted);
    rewritten.get(7).getMetadata().setResourceVersion(null);
    List<TrunkConfig.Line> after = compile(trunk, rewritten, memo).config().lines();

    for (int i = 0; i < after.size(); i++) {
      String name = after.get(i).name();
      if (name.equals("line-5") || name.equals("line-7")) {
        assertThat(after.get(i).displayName()).as(name).isEqualTo("relisted");
      } else {
        assertThat(after.get(i))
            .as("%s, of a version compiled before", name)
            .isSameAs(before.get(i));
      }
    }
  }

  /**
   * Random changes of lines and Secrets, with numbers and user names drawn from few enough that
   * lines fight over them, through one memo: each compilation must give what one without the memo
   * gives, whether the listing tells which lines changed or not and the lookup which Secrets, also
   * after a compilation that failed part-way.
   */
  @Test
  void randomChangesThroughTheMemoCompileAsAfresh() {
    Random random = new Random(20261204);
    List<SipLine> lines = new ArrayList<>();
    for (int i = 0; i < RANDOM_LINES; i++) {
      lines.add(randomLine("line-" + i, random));
      passwords.put("secret-" + i, "pw-" + i);
    }
    String algorithms = "";
    Set<String> changedSecrets = new HashSet<>();
    Set<String> changedLines = new HashSet<>();
    for (int round = 0; round < 600; round++) {
      for (int change = random.nextInt(3); change >= 0; change--) {
        int pick = random.nextInt(lines.size());
        changedLines.add(lines.get(pick).getMetadata().getName());
        String secret = "secret-" + random.nextInt(RANDOM_LINES + 5);
        switch (random.nextInt(12)) {
          case 0 ->
              lines = changing(pick, line -> line.getSpec().setNumber(number(random))).apply(lines);
          case 1 ->
              lines =
                  changing(pick, line -> line.getSpec().setUsername(username(random))).apply(lines);
          case 2 ->
              lines =
                  changing(pick, line -> line.getSpec().setCredentialsSecret(secret)).apply(lines);
          case 3 -> {
            passwords.put(secret, "pw-" + random.nextInt(1000));
            changedSecrets.add(secret);
          }
          case 4 -> {
            passwords.remove(secret);
            changedSecrets.add(secret);
          }
          case 5 -> {
            if (lines.size() > RANDOM_LINES / 2) {
              lines.remove(pick);
            }
          }
          case 6 -> {
            String name = "line-" + (RANDOM_LINES + random.nextInt(20));
            if (lines.stream().noneMatch(line -> line.getMetadata().getName().equals(name))) {
              lines.add(randomLine(name, random));
              changedLines.add(name);
            }
          }
          case 7 ->
              lines =
                  changing(
                          pick,
                          line -> line.getSpec().setTrunk(random.nextBoolean() ? "acme" : "globex"))
                      .apply(lines);
          case 8 ->
              lines =
                  changing(pick, line -> line.getSpec().setDisplayName("d" + random.nextInt(3)))
                      .apply(lines);
          case 9 ->
              lines =
                  changing(
                          pick,
                          line ->
                              line.getSpec()
                                  .setDigestAlgorithms(
                                      random.nextBoolean()
                                          ? null
                                          : List.of(DigestAlgorithm.SHA_256)))
                      .apply(lines);
          case 10 ->
              algorithms =
                  random.nextBoolean() ? "" : "  sip: {digestAlgorithms: [SHA-256, MD5]}\n";
          default -> {
            SipLine unversioned = copy(lines.get(pick));
            unversioned.getMetadata().setResourceVersion(null);
            lines.set(pick, unversioned);
          }
        }
      }
      SipTrunk trunk = trunk("acme", algorithms);
      List<SipLine> listed = new ArrayList<>(lines);
      SipLine twice = null;
      if (random.nextInt(20) == 0) {
        twice = copy(lines.get(random.nextInt(lines.size())));
        listed.add(twice);
      }
      Collections.shuffle(listed, random);
      // A cache lists no line twice, and tells which lines changed; a folder of files may.
      LineListing listing =
          twice != null || random.nextInt(4) == 0
              ? LineListing.of(listed)
              : telling(lines, Set.copyOf(changedLines));
      if (random.nextInt(25) == 0) {
        assertThatThrownBy(() -> compile(trunk, listing, memo, failing()))
            .isInstanceOf(IllegalStateException.class);
        continue;
      }
      TrunkCompiler.SecretLookup lookup =
          random.nextInt(4) == 0 ? plain() : telling(Set.copyOf(changedSecrets));
      Compilation remembered = compile(trunk, listing, memo, lookup);
      changedSecrets.clear();
      changedLines.clear();
      if (twice != null) {
        // Listed once again next time: a change of what the cache would list.
        changedLines.add(twice.getMetadata().getName());
      }
      Compilation afresh = compile(trunk, LineListing.of(listed), new LineMemo(), plain());
      assertThat(remembered).as("round %d", round).isEqualTo(afresh);
      assertThat(LineShards.split(remembered.config(), remembered.credentials(), SHARDS, memo))
          .as("round %d", round)
          .isEqualTo(LineShards.split(afresh.config(), afresh.credentials(), SHARDS));
    }
  }

  /** {@code lines}, telling that those named {@code changed} changed. */
  private static LineListing telling(List<SipLine> lines, Set<String> changed) {
    return new LineListing() {
      @Override
      public Collection<SipLine> all() {
        return lines;
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return Optional.of(changed);
      }

      @Override
      public SipLine get(String name) {
        return lines.stream()
            .filter(line -> line.getMetadata().getName().equals(name))
            .findFirst()
            .orElse(null);
      }
    };
  }

  private static String number(Random random) {
    return "+4930" + random.nextInt(RANDOM_LINES + 10);
  }

  private static String username(Random random) {
    return "u" + random.nextInt(RANDOM_LINES + 10);
  }

  private SipLine randomLine(String name, Random random) {
    SipLine line = line(name, username(random));
    line.getSpec().setNumber(number(random));
    line.getSpec().setCredentialsSecret("secret-" + random.nextInt(RANDOM_LINES + 5));
    return line;
  }

  /** Reads the passwords, and cannot tell which changed. */
  private TrunkCompiler.SecretLookup plain() {
    return (secret, key) -> Optional.ofNullable(passwords.get(secret)).map(String::new);
  }

  /** Reads the passwords, and tells that those of {@code changed} changed. */
  private TrunkCompiler.SecretLookup telling(Set<String> changed) {
    return new TrunkCompiler.SecretLookup() {
      @Override
      public Optional<String> find(String secret, String key) {
        return Optional.ofNullable(passwords.get(secret)).map(String::new);
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return Optional.of(changed);
      }
    };
  }

  /** Fails part-way, as a lookup that throws would. */
  private static TrunkCompiler.SecretLookup failing() {
    return (secret, key) -> {
      throw new IllegalStateException("the cache is gone");
    };
  }

  @Test
  void onlyTheChangedLineIsHashedAgainAndTheLinesThatWentAreForgotten() {
    SipTrunk trunk = trunk("acme");
    List<SipLine> lines = lines(LINES);
    Map<String, DigestSecret> before = compile(trunk, lines, memo).credentials().lines();

    passwords.put("line-3", "a new password");
    List<SipLine> fewer = lines.subList(0, LINES - 5);
    Map<String, DigestSecret> after = compile(trunk, fewer, memo).credentials().lines();

    assertThat(after).hasSize(LINES - 5);
    after.forEach(
        (username, secret) -> {
          if (username.equals("u3")) {
            assertThat(secret).isNotEqualTo(before.get(username));
          } else {
            assertThat(secret).as("%s's HA1 values, kept", username).isSameAs(before.get(username));
          }
        });
    assertThat(memo.size()).isEqualTo(LINES - 5);
  }

  @Test
  void aSplitMakesAgainOnlyTheShardOfTheChangedLine() {
    SipTrunk trunk = trunk("acme");
    List<SipLine> lines = lines(LINES);
    Compilation first = compile(trunk, lines, memo);
    LineShards.Split before = LineShards.split(first.config(), first.credentials(), SHARDS, memo);

    passwords.put("line-3", "a new password");
    Compilation next = compile(trunk, lines, memo);
    LineShards.Split after = LineShards.split(next.config(), next.credentials(), SHARDS, memo);

    int changed = LineShards.shardOf("line-3", SHARDS);
    for (int i = 0; i < SHARDS; i++) {
      if (i == changed) {
        assertThat(after.shards().get(i).version()).isNotEqualTo(before.shards().get(i).version());
      } else {
        assertThat(after.shards().get(i)).as("shard %d", i).isSameAs(before.shards().get(i));
      }
    }
  }

  /** A memo trusts its shards only for the lines it compiled itself. */
  @Test
  void aSplitOfACompilationMadeWithoutTheMemoMakesEveryShard() {
    SipTrunk trunk = trunk("acme");
    List<SipLine> lines = lines(LINES);
    Compilation first = compile(trunk, lines, memo);
    LineShards.split(first.config(), first.credentials(), SHARDS, memo);

    passwords.put("line-3", "a new password");
    Compilation elsewhere = compile(trunk, lines, new LineMemo());

    assertThat(LineShards.split(elsewhere.config(), elsewhere.credentials(), SHARDS, memo))
        .isEqualTo(LineShards.split(elsewhere.config(), elsewhere.credentials(), SHARDS));
  }

  private void assertSameAsAfresh(SipTrunk trunk, List<SipLine> lines) {
    Compilation remembered = compile(trunk, lines, memo);
    Compilation afresh = compile(trunk, lines, new LineMemo());
    assertThat(remembered).isEqualTo(afresh);
    LineShards.Split rememberedSplit =
        LineShards.split(remembered.config(), remembered.credentials(), SHARDS, memo);
    LineShards.Split afreshSplit = LineShards.split(afresh.config(), afresh.credentials(), SHARDS);
    assertThat(rememberedSplit).isEqualTo(afreshSplit);
  }

  private Compilation compile(SipTrunk trunk, List<SipLine> lines, LineMemo with) {
    return compile(trunk, LineListing.of(lines), with, plain());
  }

  private Compilation compile(
      SipTrunk trunk, LineListing lines, LineMemo with, TrunkCompiler.SecretLookup lookup) {
    return TrunkCompiler.compileUnversioned(trunk, lines, List.of(), lookup, with);
  }

  /** A write of the line at {@code index}, which gives it a new resourceVersion. */
  private UnaryOperator<List<SipLine>> changing(int index, Consumer<SipLine> change) {
    return all -> {
      List<SipLine> changed = new ArrayList<>(all);
      SipLine copy = copy(all.get(index));
      change.accept(copy);
      changed.set(index, versioned(copy));
      return changed;
    };
  }

  private static SipLine copy(SipLine line) {
    return YAML.unmarshal(YAML.asYaml(line), SipLine.class);
  }

  /** The line with the next resourceVersion, as the API server gives each write. */
  private SipLine versioned(SipLine line) {
    line.getMetadata().setResourceVersion(String.valueOf(++version));
    return line;
  }

  private List<SipLine> lines(int count) {
    List<SipLine> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(line("line-" + i, "u" + i));
      passwords.put("line-" + i, "pw-line-" + i);
    }
    return lines;
  }

  private List<SipLine> relabel(List<SipLine> lines, String trunk) {
    return lines.stream()
        .map(
            line -> {
              SipLine copy = copy(line);
              copy.getSpec().setTrunk(trunk);
              return versioned(copy);
            })
        .toList();
  }

  private static SipTrunk trunk(String name) {
    return trunk(name, "");
  }

  /** A trunk with {@code sip}, the YAML of its SIP settings if any. */
  private static SipTrunk trunk(String name, String sip) {
    return YAML.unmarshal(
        """
        metadata: {name: %s, namespace: office}
        spec:
          channels: 20
          carriers: [{name: carrier-a, address: 192.0.2.10}]
        %s"""
            .formatted(name, sip),
        SipTrunk.class);
  }

  private SipLine line(String name, String username) {
    String number = "+4930" + Math.abs(name.hashCode());
    return versioned(
        YAML.unmarshal(
            """
        metadata: {name: %s, namespace: office}
        spec: {trunk: acme, number: "%s", username: %s, credentialsSecret: %s}
        """
                .formatted(name, number, username, name),
            SipLine.class));
  }
}
