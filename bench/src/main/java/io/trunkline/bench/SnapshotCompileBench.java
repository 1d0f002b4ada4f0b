package io.trunkline.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.LineListing;
import io.trunkline.api.config.LineMemo;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.line.SipLineSpec;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a line's change costs the operator before it reaches the API server, at each trunk size
 * given, two ways:
 *
 * <ul>
 *   <li><b>whole</b>: compiling the trunk and writing its whole snapshot and credentials as JSON,
 *       as the operator did before its snapshots were sharded;
 *   <li><b>sharded</b>: compiling the trunk, splitting its lines into shards of about 1,000, and
 *       writing out only the shard the change touched and the trunk's own part (decision 0027), as
 *       the operator does for a trunk of at most one shard's lines;
 *   <li><b>remembered</b>: the same with the trunk's {@link LineMemo}, as the operator does for a
 *       larger trunk (decision 0028): only the changed line is hashed again.
 * </ul>
 *
 * <p>Each round changes one line's password, a different line each time. Usage: {@code
 * bench/snapshot-compile.sh [lines ...]}.
 */
public final class SnapshotCompileBench {

  private static final int WARM_UP_ROUNDS = 30;
  private static final int MEASURED_ROUNDS = 50;
  private static final int LINES_PER_SHARD = 1000;

  private SnapshotCompileBench() {}

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length > 0 ? args : new String[] {"100", "1000", "4800", "10000"}) {
      sizes.add(Integer.parseInt(arg));
    }
    System.out.printf(
        "snapshot-compile: %d cores, load average %.2f; %s %s, -XX flags %s%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(flag -> flag.startsWith("-XX"))
            .toList());
    SipTrunk trunk =
        Serialization.unmarshal(
            """
            metadata: {name: acme, namespace: office}
            spec:
              channels: 100000
              pbx: {sources: ["192.0.2.1/32"]}
              carriers: [{name: a, address: 192.0.2.10}]
            """,
            SipTrunk.class);
    for (int size : sizes) {
      List<SipLine> lines = lines(size);
      Passwords passwords = new Passwords();
      Sharded sharded = new Sharded(trunk, lines, passwords, false);
      Sharded remembered = new Sharded(trunk, lines, passwords, true);
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        passwords.changeOne(size);
        whole(trunk, lines, passwords);
        sharded.change();
        remembered.change();
      }
      // Each way starts on an empty heap, so neither pays for collecting the other's garbage.
      System.gc();
      long start = System.nanoTime();
      int wholeBytes = 0;
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        passwords.changeOne(size);
        wholeBytes = whole(trunk, lines, passwords);
      }
      double wholeMillis = (System.nanoTime() - start) / 1e6 / MEASURED_ROUNDS;
      System.gc();
      start = System.nanoTime();
      long shardedBytes = 0;
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        passwords.changeOne(size);
        shardedBytes += sharded.change();
      }
      double shardedMillis = (System.nanoTime() - start) / 1e6 / MEASURED_ROUNDS;
      System.gc();
      start = System.nanoTime();
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        passwords.changeOne(size);
        remembered.change();
      }
      double rememberedMillis = (System.nanoTime() - start) / 1e6 / MEASURED_ROUNDS;
      System.out.printf(
          "%6d lines: whole %7.2f ms, %,9d bytes; sharded (%2d shards) %6.2f ms, %,7d bytes"
              + " written a change; remembered %6.2f ms%n",
          size,
          wholeMillis,
          wholeBytes,
          sharded.shards(),
          shardedMillis,
          shardedBytes / MEASURED_ROUNDS,
          rememberedMillis);
    }
  }

  /**
   * Lines with short names, as the operator-scale bench makes them, each with a resourceVersion as
   * the API server gives it: the memo takes a line of a version it compiled as it was.
   */
  private static List<SipLine> lines(int count) {
    List<SipLine> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SipLineSpec spec = new SipLineSpec();
      spec.setTrunk("acme");
      spec.setNumber("+4930%07d".formatted(i));
      spec.setUsername("u" + i);
      spec.setCredentialsSecret("line-" + i);
      SipLine line = new SipLine();
      line.setMetadata(
          new ObjectMetaBuilder()
              .withName("line-" + i)
              .withNamespace("office")
              .withResourceVersion(String.valueOf(i + 1))
              .build());
      line.setSpec(spec);
      lines.add(line);
    }
    return lines;
  }

  private static int whole(SipTrunk trunk, List<SipLine> lines, Passwords passwords) {
    Compilation compilation = TrunkCompiler.compile(trunk, lines, List.of(), passwords);
    return TrunkConfigJson.write(compilation.config()).length()
        + TrunkConfigJson.write(compilation.credentials()).length();
  }

  /** Every line's password, one of which each round changes. */
  private static final class Passwords implements TrunkCompiler.SecretLookup {
    private final Map<String, Integer> changes = new HashMap<>();
    private final List<String> changed = new ArrayList<>();
    private int next;

    void changeOne(int lines) {
      String secret = "line-" + (next++ % lines);
      changes.merge(secret, 1, Integer::sum);
      changed.add(secret);
    }

    @Override
    public Optional<String> find(String secret, String key) {
      return Optional.of("pw-" + secret + "-" + changes.getOrDefault(secret, 0));
    }

    /** How many changes were made so far. */
    int position() {
      return changed.size();
    }

    /**
     * These passwords, telling which changed after position {@code from}, as the operator's cache
     * of Secrets tells a trunk's memo (decision 0031).
     */
    TrunkCompiler.SecretLookup since(int from) {
      Set<String> since = Set.copyOf(changed.subList(from, changed.size()));
      return new TrunkCompiler.SecretLookup() {
        @Override
        public Optional<String> find(String secret, String key) {
          return Passwords.this.find(secret, key);
        }

        @Override
        public Optional<Set<String>> changedSinceLast() {
          return Optional.of(since);
        }
      };
    }
  }

  /**
   * The operator's path: the shards whose versions the API server holds already (as their Secrets'
   * annotations say) are not written out.
   */
  private static final class Sharded {
    private final SipTrunk trunk;
    private final List<SipLine> lines;
    private final Passwords passwords;
    private final boolean remember;
    private final LineMemo memo = new LineMemo();
    private List<String> held = List.of();
    private int position;

    Sharded(SipTrunk trunk, List<SipLine> lines, Passwords passwords, boolean remember) {
      this.trunk = trunk;
      this.lines = lines;
      this.passwords = passwords;
      this.remember = remember;
    }

    int shards() {
      return held.size();
    }

    /** Splits again after a change and writes what changed; returns the bytes written. */
    int change() {
      LineMemo lineMemo = remember ? memo : new LineMemo();
      // The lines do not change, and the operator's cache of lines tells as much to a memo.
      LineListing listing = remember ? unchanged(lines) : LineListing.of(lines);
      TrunkCompiler.SecretLookup secrets = remember ? passwords.since(position) : passwords;
      position = passwords.position();
      Compilation compilation =
          TrunkCompiler.compileUnversioned(trunk, listing, List.of(), secrets, lineMemo);
      int shards =
          LineShards.count(compilation.config().lines().size(), LINES_PER_SHARD, held.size());
      LineShards.Split split =
          LineShards.split(compilation.config(), compilation.credentials(), shards, lineMemo);
      int bytes =
          TrunkConfigJson.write(split.trunk()).length()
              + TrunkConfigJson.write(split.credentials()).length();
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < split.shards().size(); i++) {
        LineShard shard = split.shards().get(i);
        if (i >= held.size() || !held.get(i).equals(shard.version())) {
          bytes += LineShards.json(shard).length();
        }
        versions.add(shard.version());
      }
      held = versions;
      return bytes;
    }
  }

  /** {@code lines}, telling that none changed. */
  private static LineListing unchanged(List<SipLine> lines) {
    return new LineListing() {
      @Override
      public Collection<SipLine> all() {
        return lines;
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return Optional.of(Set.of());
      }

      @Override
      public SipLine get(String name) {
        throw new IllegalStateException("no line changed: " + name);
      }
    };
  }
}
