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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the last compilation and split of a trunk made of its lines: each line as it was listed,
 * judged and compiled, the claims on numbers, user names and Secrets, the lines in force in name
 * order with their HA1 values, and the shards. Given the memo, a compilation judges again only the
 * lines that changed, those whose Secret changed, and those sharing a number or user name with one
 * (decision 0031), and a split makes again only the shards that hold such a line (decision 0028).
 *
 * <p>A memo serves one trunk, through {@link TrunkCompiler#compileUnversioned(
 * io.trunkline.api.v1alpha1.trunk.SipTrunk, LineListing, java.util.Collection,
 * TrunkCompiler.SecretLookup, LineMemo)} and then {@link LineShards#split(TrunkConfig,
 * TrunkCredentials, int, LineMemo)} with that compilation. It holds each line's password as the
 * compilation read it, as the operator's cache of Secrets does already. Not thread-safe: the
 * operator reconciles a trunk on one thread at a time.
 */
public final class LineMemo {

  /** Above this many lines judged again, the lines in force are laid out afresh, not patched. */
  private static final int PATCHED_AT_MOST = 64;

  private final Map<String, Entry> entries = new HashMap<>();
  private final Claims numbers = new Claims();
  private final Claims usernames = new Claims();
  private final Claims secrets = new Claims();

  /** The lines in force in name order, and their HA1 values by user name. */
  private final List<TrunkConfig.Line> inForce = new ArrayList<>();

  private final Map<String, DigestSecret> digests = new HashMap<>();

  /** The lines left out and why, by name, so that their problems come in name order. */
  private final TreeMap<String, Problem> leftOut = new TreeMap<>();

  /** Lines added, changed or gone since the last split: their shards must be made again. */
  private final Set<String> changed = new HashSet<>();

  private List<LineShard> shards = List.of();

  /** The lines the last compilation gave, as given: a split of them trusts every line. */
  private List<TrunkConfig.Line> given = List.of();

  private int round;
  private int listed;

  /**
   * Whether the last compilation ran to its end. One that failed part-way left the memo between two
   * states: the next judges every line again and reads every password.
   */
  private boolean settled;

  private String trunk;
  private String realm;

  /** The trunk's digest algorithms the last compilation gave the lines without their own. */
  private List<String> trunkAlgorithms = List.of();

  /** One line, by name: as last listed and judged. */
  static final class Entry {
    final String name;

    /** The line listed in this compilation, when it must be compiled again; null otherwise. */
    SipLine source;

    /**
     * The resourceVersion of the line last compiled. The API server gives every write of any object
     * a new one, so one version compiles one way. The version rather than the object: a change of
     * the line's status alone reconciles no trunk, and the memo would keep the object from before
     * it beside the cache's, for every line.
     */
    String resourceVersion;

    /** Whether it names this trunk; only those lines claim anything. */
    boolean member;

    String number;
    String username;
    String credentialsSecret;

    /** What it compiles into when it is in force. */
    TrunkConfig.Line line;

    /** The password read for it, or null when it must be read again. */
    Optional<String> password;

    String hashedUsername;
    String hashedPassword;
    DigestSecret secret;
    byte[] fingerprint;

    /** Whether it is in force, and under which user name its HA1 values are. */
    boolean inForce;

    String inForceAs;

    /** What it gave the shards before this compilation judged it again. */
    boolean wasInForce;

    TrunkConfig.Line wasLine;
    DigestSecret wasSecret;

    int round;
    boolean listedTwice;

    /** Whether it is among the lines this compilation judges again. */
    boolean judging;

    private Entry(String name) {
      this.name = name;
    }
  }

  /**
   * Starts a compilation of {@code trunk}'s lines, hashed for {@code realm}, whose lines without
   * digest algorithms of their own take {@code trunkAlgorithms}; returns whether the memo stands as
   * the last compilation left it, so that only what changed since needs reading: not the first
   * time, after a compilation that failed part-way, for another trunk, or when the trunk's
   * algorithms changed, which every line without its own takes.
   */
  boolean begins(String trunk, String realm, List<String> trunkAlgorithms) {
    round++;
    listed = 0;
    boolean same = settled && trunk.equals(this.trunk) && realm.equals(this.realm);
    settled = false;
    if (!same) {
      entries.clear();
      numbers.clear();
      usernames.clear();
      secrets.clear();
      inForce.clear();
      digests.clear();
      leftOut.clear();
      given = List.of();
      this.trunk = trunk;
      this.realm = realm;
    }
    if (!trunkAlgorithms.equals(this.trunkAlgorithms)) {
      this.trunkAlgorithms = List.copyOf(trunkAlgorithms);
      entries.values().forEach(entry -> entry.resourceVersion = null);
      return false;
    }
    return same;
  }

  /**
   * Notes {@code line} as listed in this compilation, and returns its entry if it must be judged
   * again: new, of another resourceVersion than the one compiled, without one (not from an API
   * server), or listed twice; null otherwise.
   */
  Entry listed(SipLine line) {
    String name = line.getMetadata().getName();
    Entry entry = entries.get(name);
    if (entry == null) {
      entry = new Entry(name);
      entries.put(name, entry);
    } else if (entry.round == round) {
      entry.listedTwice = true;
      // Compiled again when it is listed once more.
      entry.resourceVersion = null;
      entry.source = null;
      return entry;
    }
    entry.round = round;
    entry.listedTwice = false;
    listed++;
    String version = line.getMetadata().getResourceVersion();
    if (version != null && version.equals(entry.resourceVersion)) {
      return null;
    }
    entry.source = line;
    return entry;
  }

  /** Forgets the line named {@code name}, gone from the listing; returns it, or null if unknown. */
  Entry forgets(String name) {
    Entry entry = entries.remove(name);
    if (entry != null) {
      entry.source = null;
      entry.listedTwice = false;
    }
    return entry;
  }

  /** The lines not listed in this compilation, forgotten: removed, renamed or left out. */
  List<Entry> gone() {
    if (entries.size() == listed) {
      return List.of();
    }
    List<Entry> gone = new ArrayList<>();
    entries
        .values()
        .removeIf(
            entry -> {
              boolean isGone = entry.round != round;
              if (isGone) {
                entry.source = null;
                entry.listedTwice = false;
                gone.add(entry);
              }
              return isGone;
            });
    return gone;
  }

  /** The lines naming the Secret {@code name}, whose passwords must be read again. */
  List<Entry> naming(String secret) {
    List<Entry> naming = new ArrayList<>();
    secrets.claimants(secret).forEach(name -> naming.add(entries.get(name)));
    return naming;
  }

  /** Every line of this trunk, whose passwords must be read again. */
  List<Entry> members() {
    return entries.values().stream().filter(entry -> entry.member).toList();
  }

  /**
   * Adds {@code entry} to the lines this compilation judges again, once, noting what it gave the
   * shards before.
   */
  static void judges(Entry entry, List<Entry> judged) {
    if (!entry.judging) {
      entry.judging = true;
      entry.wasInForce = entry.inForce;
      entry.wasLine = entry.line;
      entry.wasSecret = entry.secret;
      judged.add(entry);
    }
  }

  /**
   * Takes {@code claim} as what {@code entry} now claims, or nothing if it is gone, listed twice or
   * of another trunk; every line whose claim may change with it is judged again.
   */
  void claims(Entry entry, Claim claim, List<Entry> judged) {
    judges(entry, judged);
    if (entry.member) {
      unclaim(numbers, entry.number, entry, judged);
      unclaim(usernames, entry.username, entry, judged);
      secrets.remove(entry.credentialsSecret, entry.name);
    }
    entry.member = claim != null;
    if (claim == null) {
      return;
    }
    if (!Objects.equals(claim.credentialsSecret(), entry.credentialsSecret)) {
      entry.password = null;
    }
    entry.number = claim.number();
    entry.username = claim.username();
    entry.credentialsSecret = claim.credentialsSecret();
    if (!claim.line().equals(entry.line)) {
      entry.line = claim.line();
      entry.fingerprint = null;
    }
    numbers.add(entry.number, entry.name);
    usernames.add(entry.username, entry.name);
    secrets.add(entry.credentialsSecret, entry.name);
    claimants(numbers, entry.number, judged);
    claimants(usernames, entry.username, judged);
  }

  /** What a line of this trunk claims, and what it compiles into if it is put in force. */
  record Claim(String number, String username, String credentialsSecret, TrunkConfig.Line line) {}

  private void unclaim(Claims claims, String key, Entry entry, List<Entry> judged) {
    claims.remove(key, entry.name);
    claimants(claims, key, judged);
  }

  private void claimants(Claims claims, String key, List<Entry> judged) {
    claims.claimants(key).forEach(name -> judges(entries.get(name), judged));
  }

  /** The first line by name among those claiming {@code number}. */
  String numberOwner(String number) {
    return numbers.first(number);
  }

  /** The first line by name among those claiming {@code username}. */
  String usernameOwner(String username) {
    return usernames.first(username);
  }

  /** Takes the {@code judged} lines out of force and forgets why any was left out. */
  void withdraws(List<Entry> judged) {
    boolean patch = judged.size() <= PATCHED_AT_MOST;
    for (Entry entry : judged) {
      if (entry.inForce) {
        entry.inForce = false;
        digests.remove(entry.inForceAs);
        if (patch) {
          inForce.remove(indexOf(entry.name));
        }
      }
      leftOut.remove(entry.name);
    }
    if (!patch) {
      inForce.clear();
    }
  }

  /** Leaves {@code entry} out for {@code problem}. */
  void leavesOut(Entry entry, Problem problem) {
    leftOut.put(entry.name, problem);
  }

  /** The HA1 values of {@code entry}, hashed again only if their inputs changed. */
  DigestSecret secret(Entry entry, String password) {
    if (entry.secret == null
        || !Objects.equals(entry.username, entry.hashedUsername)
        || !password.equals(entry.hashedPassword)) {
      entry.hashedUsername = entry.username;
      entry.hashedPassword = password;
      entry.secret = Digest.secret(entry.username, realm, password);
      entry.fingerprint = null;
    }
    return entry.secret;
  }

  /** Puts {@code entry} in force with its HA1 values {@code secret}. */
  void putsInForce(Entry entry, DigestSecret secret) {
    entry.inForce = true;
    entry.inForceAs = entry.username;
    digests.put(entry.username, secret);
  }

  /**
   * Lays the judged lines in force out in name order among the others, and notes the shards of
   * those whose part in them changed.
   */
  void settles(List<Entry> judged) {
    boolean patch = judged.size() <= PATCHED_AT_MOST;
    for (Entry entry : judged) {
      entry.judging = false;
      entry.source = null;
      if (entry.inForce && patch) {
        inForce.add(-indexOf(entry.name) - 1, entry.line);
      }
      if (entry.inForce != entry.wasInForce
          || entry.inForce && (entry.line != entry.wasLine || entry.secret != entry.wasSecret)) {
        changed.add(entry.name);
      }
      entry.wasLine = null;
      entry.wasSecret = null;
    }
    if (!patch) {
      entries.values().stream()
          .filter(entry -> entry.inForce)
          .map(entry -> entry.line)
          .sorted(Comparator.comparing(TrunkConfig.Line::name))
          .forEach(inForce::add);
    }
  }

  /** Ends the compilation: the lines in force in name order and their HA1 values by user name. */
  LineCompiler.Lines ends(Problems problems) {
    leftOut.values().forEach(problems::leaveOut);
    settled = true;
    given = List.copyOf(inForce);
    return new LineCompiler.Lines(given, Map.copyOf(digests));
  }

  private int indexOf(String name) {
    return LineCompiler.Lines.indexOf(inForce, name);
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

  /** Whether {@code lines} are those this memo's last compilation gave, as it gave them. */
  boolean gave(List<TrunkConfig.Line> lines) {
    return settled && lines == given;
  }

  /** Whether {@code line} is as this memo's last compilation made it. */
  boolean compiled(TrunkConfig.Line line) {
    Entry entry = entries.get(line.name());
    return entry != null && entry.inForce && entry.line == line;
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

  /** How many lines its last compilation put in force. */
  public int size() {
    return inForce.size();
  }

  /**
   * Which lines claim each key (a number, a user name, a Secret's name), the first by name winning
   * it. Nearly every key has one claimant, held as its name alone; a set only for those with more.
   */
  private static final class Claims {
    private final Map<String, Object> byKey = new HashMap<>();

    void add(String key, String name) {
      Object held = byKey.get(key);
      if (held == null) {
        byKey.put(key, name);
      } else if (held instanceof String one) {
        if (!one.equals(name)) {
          byKey.put(key, new TreeSet<>(List.of(one, name)));
        }
      } else {
        set(held).add(name);
      }
    }

    void remove(String key, String name) {
      Object held = byKey.get(key);
      if (held instanceof String one) {
        if (one.equals(name)) {
          byKey.remove(key);
        }
      } else if (held != null) {
        TreeSet<String> set = set(held);
        set.remove(name);
        if (set.size() == 1) {
          byKey.put(key, set.first());
        }
      }
    }

    String first(String key) {
      Object held = byKey.get(key);
      return held instanceof String one ? one : held == null ? null : set(held).first();
    }

    Collection<String> claimants(String key) {
      Object held = byKey.get(key);
      return held instanceof String one ? List.of(one) : held == null ? List.of() : set(held);
    }

    void clear() {
      byKey.clear();
    }

    @SuppressWarnings("unchecked")
    private static TreeSet<String> set(Object held) {
      return (TreeSet<String>) held;
    }
  }
}
