package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.line.SipLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

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

  private final Map<String, LineEntry> entries = new HashMap<>();
  private final LineClaims numbers = new LineClaims();
  private final LineClaims usernames = new LineClaims();
  private final LineClaims secrets = new LineClaims();

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
  LineEntry listed(SipLine line) {
    String name = line.getMetadata().getName();
    LineEntry entry = entries.get(name);
    if (entry == null) {
      entry = new LineEntry(name);
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
  LineEntry forgets(String name) {
    LineEntry entry = entries.remove(name);
    if (entry != null) {
      entry.source = null;
      entry.listedTwice = false;
    }
    return entry;
  }

  /** The lines not listed in this compilation, forgotten: removed, renamed or left out. */
  List<LineEntry> gone() {
    if (entries.size() == listed) {
      return List.of();
    }
    List<LineEntry> gone = new ArrayList<>();
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
  List<LineEntry> naming(String secret) {
    List<LineEntry> naming = new ArrayList<>();
    secrets.claimants(secret).forEach(name -> naming.add(entries.get(name)));
    return naming;
  }

  /** Every line of this trunk, whose passwords must be read again. */
  List<LineEntry> members() {
    return entries.values().stream().filter(entry -> entry.member).toList();
  }

  /**
   * Adds {@code entry} to the lines this compilation judges again, once, noting what it gave the
   * shards before.
   */
  static void judges(LineEntry entry, List<LineEntry> judged) {
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
  void claims(LineEntry entry, Claim claim, List<LineEntry> judged) {
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

  private void unclaim(LineClaims claims, String key, LineEntry entry, List<LineEntry> judged) {
    claims.remove(key, entry.name);
    claimants(claims, key, judged);
  }

  private void claimants(LineClaims claims, String key, List<LineEntry> judged) {
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
  void withdraws(List<LineEntry> judged) {
    boolean patch = judged.size() <= PATCHED_AT_MOST;
    for (LineEntry entry : judged) {
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
  void leavesOut(LineEntry entry, Problem problem) {
    leftOut.put(entry.name, problem);
  }

  /** The HA1 values of {@code entry}, hashed again only if their inputs changed. */
  DigestSecret secret(LineEntry entry, String password) {
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
  void putsInForce(LineEntry entry, DigestSecret secret) {
    entry.inForce = true;
    entry.inForceAs = entry.username;
    digests.put(entry.username, secret);
  }

  /**
   * Lays the judged lines in force out in name order among the others, and notes the shards of
   * those whose part in them changed.
   */
  void settles(List<LineEntry> judged) {
    boolean patch = judged.size() <= PATCHED_AT_MOST;
    for (LineEntry entry : judged) {
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
    LineEntry entry = entries.get(line.name());
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
    LineEntry entry = entries.get(line.name());
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
}
