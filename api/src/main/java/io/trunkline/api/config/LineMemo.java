package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.line.SipLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the last compilation and split of a trunk made of its lines: each line's HA1 values and its
 * fingerprint, and the shards. Given the memo, a compilation hashes again only the lines whose user
 * name, password or fields changed, and a split makes again only the shards that hold such a line;
 * every other shard is the last split's, not versioned again (decision 0028). A line of the
 * resourceVersion the memo compiled is not compiled again (decision 0030).
 *
 * <p>A memo serves one trunk, through {@link TrunkCompiler#compileUnversioned(
 * io.trunkline.api.v1alpha1.trunk.SipTrunk, java.util.Collection, java.util.Collection,
 * TrunkCompiler.SecretLookup, LineMemo)} and then {@link LineShards#split(TrunkConfig,
 * TrunkCredentials, int, LineMemo)} with that compilation. It holds each line's password as the
 * compilation read it, as the operator's cache of Secrets does already. Not thread-safe: the
 * operator reconciles a trunk on one thread at a time.
 */
public final class LineMemo {

  private final Map<String, Entry> entries = new HashMap<>();

  /** Lines added, changed or gone since the last split: their shards must be made again. */
  private final Set<String> changed = new HashSet<>();

  private List<LineShard> shards = List.of();
  private int round;
  private int seen;

  /** How many lines the last compilation ranked, and the next rank of this one's. */
  private int ranked;

  private int ranking;

  /** The trunk's digest algorithms the last compilation gave the lines without their own. */
  private List<String> trunkAlgorithms = List.of();

  /** What one line was compiled into, by the line's name. */
  private static final class Entry {
    /**
     * The resourceVersion of the line compiled into {@link #line}. The API server gives every write
     * of any object a new one, so one version compiles one way. The version rather than the object:
     * a change of the line's status alone reconciles no trunk, and the memo would keep the object
     * from before it beside the cache's, for every line.
     */
    private String resourceVersion;

    private String username;
    private String realm;
    private String password;
    private DigestSecret secret;
    private TrunkConfig.Line line;
    private byte[] fingerprint;
    private int round;

    /** The line's place in the last compilation's name order. */
    private int rank = -1;
  }

  /**
   * Starts a compilation whose lines without digest algorithms of their own take {@code
   * trunkAlgorithms}: the lines it does not compile are forgotten when it {@link #ends}.
   */
  void begins(List<String> trunkAlgorithms) {
    round++;
    seen = 0;
    ranking = 0;
    if (!trunkAlgorithms.equals(this.trunkAlgorithms)) {
      this.trunkAlgorithms = List.copyOf(trunkAlgorithms);
      entries.values().forEach(entry -> entry.resourceVersion = null);
    }
  }

  /**
   * {@code lines} in name order. The lines the last compilation compiled are laid out in its order
   * first, the others after them, so the sort finds nearly all of them in order already: merging
   * the runs it finds takes about one comparison a line, where sorting from the caller's order took
   * a profile's largest share of a large trunk's compilation.
   */
  List<SipLine> inOrder(Collection<SipLine> lines, Comparator<SipLine> byName) {
    SipLine[] placed = new SipLine[ranked];
    List<SipLine> others = new ArrayList<>();
    for (SipLine line : lines) {
      if (line == null) {
        continue;
      }
      Entry entry = entries.get(line.getMetadata().getName());
      if (entry != null && entry.rank >= 0 && entry.rank < ranked && placed[entry.rank] == null) {
        placed[entry.rank] = line;
      } else {
        others.add(line);
      }
    }
    List<SipLine> ordered = new ArrayList<>(lines.size());
    for (SipLine line : placed) {
      if (line != null) {
        ordered.add(line);
      }
    }
    if (others.isEmpty()) {
      // The last compilation's lines in its order, some perhaps gone: in order already.
      return ordered;
    }
    ordered.addAll(others);
    ordered.sort(byName);
    return ordered;
  }

  /** The HA1 values of the line named {@code line}, hashed again only if their inputs changed. */
  DigestSecret secret(String line, String username, String realm, String password) {
    Entry entry = entries.computeIfAbsent(line, name -> new Entry());
    if (entry.round != round) {
      entry.round = round;
      entry.rank = ranking++;
      seen++;
    }
    if (entry.secret == null
        || !username.equals(entry.username)
        || !realm.equals(entry.realm)
        || !password.equals(entry.password)) {
      entry.username = username;
      entry.realm = realm;
      entry.password = password;
      entry.secret = Digest.secret(username, realm, password);
      entry.fingerprint = null;
      changed.add(line);
    }
    return entry.secret;
  }

  /**
   * The line the last compilation made of this version of {@code source}, or null if it made none
   * of it or {@code source} has no resourceVersion (it was not read from an API server).
   */
  TrunkConfig.Line remembered(SipLine source) {
    String version = source.getMetadata().getResourceVersion();
    Entry entry = entries.get(source.getMetadata().getName());
    return entry == null || version == null || !version.equals(entry.resourceVersion)
        ? null
        : entry.line;
  }

  /**
   * The line compiled from {@code source}, as the last compilation made it if it is equal to that:
   * an unchanged shard then holds the same lines as before.
   */
  TrunkConfig.Line line(SipLine source, TrunkConfig.Line compiled) {
    Entry entry = entries.get(compiled.name());
    if (entry == null) {
      return compiled;
    }
    entry.resourceVersion = source.getMetadata().getResourceVersion();
    if (!compiled.equals(entry.line)) {
      entry.line = compiled;
      entry.fingerprint = null;
      changed.add(compiled.name());
    }
    return entry.line;
  }

  /** Forgets the lines the compilation did not compile: removed, renamed or left out. */
  void ends() {
    ranked = ranking;
    if (entries.size() > seen) {
      entries
          .entrySet()
          .removeIf(
              entry -> {
                boolean gone = entry.getValue().round != round;
                if (gone) {
                  changed.add(entry.getKey());
                }
                return gone;
              });
    }
  }

  /**
   * The fingerprint of a compiled line with its HA1 values ({@link LineShard#fingerprint}), made
   * again only if the line or its HA1 values changed since it was last made.
   */
  byte[] fingerprint(TrunkConfig.Line line, DigestSecret secret) {
    Entry entry = entries.get(line.name());
    if (entry == null || secret == null || secret != entry.secret || line != entry.line) {
      return LineShard.fingerprint(line, secret);
    }
    if (entry.fingerprint == null) {
      entry.fingerprint = LineShard.fingerprint(line, secret);
    }
    return entry.fingerprint;
  }

  /** Whether {@code line} is as this memo's last compilation made it. */
  boolean compiled(TrunkConfig.Line line) {
    Entry entry = entries.get(line.name());
    return entry != null && entry.line == line;
  }

  /**
   * Which of {@code count} shards a split must make: those holding a line that changed since the
   * last split, or all of them if the last split had another number of shards.
   */
  boolean[] shardsToMake(int count) {
    boolean[] make = new boolean[count];
    if (shards.size() != count) {
      Arrays.fill(make, true);
    } else {
      changed.forEach(line -> make[LineShards.shardOf(line, count)] = true);
    }
    return make;
  }

  /** Shard {@code shard} of the last split. */
  LineShard lastShard(int shard) {
    return shards.get(shard);
  }

  /** Remembers a split's shards: the changes before it are in them. */
  void split(List<LineShard> made) {
    shards = List.copyOf(made);
    changed.clear();
  }

  /** How many lines it remembers. */
  public int size() {
    return entries.size();
  }
}
