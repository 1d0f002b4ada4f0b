package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.config.TrunkCompiler.SecretLookup;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.line.SipLineSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles the lines attached to a trunk and their digest HA1 values (RFC 3261 §22.4, RFC 8760 §3).
 * A bad line is left out rather than blocking the snapshot: it then cannot register, which fails
 * closed (decision 0006).
 */
final class LineCompiler {

  private static final String PASSWORD = "password";

  /** The compiled lines in name order, and their HA1 values by user name. */
  record Lines(List<TrunkConfig.Line> lines, Map<String, DigestSecret> secrets) {

    /** Whether a line of this name was compiled. */
    boolean has(String name) {
      return indexOf(lines, name) >= 0;
    }

    /**
     * The index of the line named {@code name} in {@code lines}, in name order, or {@code -(where
     * it would go) - 1}: a binary search.
     */
    static int indexOf(List<TrunkConfig.Line> lines, String name) {
      int low = 0;
      int high = lines.size() - 1;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        int order = lines.get(middle).name().compareTo(name);
        if (order == 0) {
          return middle;
        } else if (order < 0) {
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return -(low + 1);
    }
  }

  private LineCompiler() {}

  /**
   * Compiles the lines of {@code trunk} among {@code lines}, ignoring those of other trunks; a line
   * without digest algorithms of its own takes {@code trunkAlgorithms}. Given {@code memo}'s last
   * compilation of this trunk, only the lines that changed, whose Secrets changed, or that share a
   * number or user name with one are judged again (decision 0031): when {@code lines} tells which
   * changed, the others are not read at all.
   */
  static Lines compile(
      String trunk,
      String realm,
      List<String> trunkAlgorithms,
      LineListing lines,
      SecretLookup secrets,
      LineMemo memo,
      Problems problems) {
    boolean trusted = memo.begins(trunk, realm, trunkAlgorithms);
    Optional<Set<String>> changedLines = trusted ? lines.changedSinceLast() : Optional.empty();
    List<LineEntry> relisted = new ArrayList<>();
    List<LineEntry> gone = new ArrayList<>();
    if (changedLines.isPresent()) {
      for (String name : changedLines.get()) {
        SipLine line = lines.get(name);
        LineEntry entry = line == null ? memo.forgets(name) : memo.listed(line);
        if (entry != null) {
          (line == null ? gone : relisted).add(entry);
        }
      }
    } else {
      for (SipLine line : lines.all()) {
        if (line != null) {
          LineEntry entry = memo.listed(line);
          if (entry != null) {
            relisted.add(entry);
          }
        }
      }
      gone = memo.gone();
    }
    List<LineEntry> judged = new ArrayList<>();
    for (LineEntry entry : gone) {
      memo.claims(entry, null, judged);
    }
    for (LineEntry entry : relisted) {
      SipLine source = entry.source;
      entry.resourceVersion = source == null ? null : source.getMetadata().getResourceVersion();
      memo.claims(entry, entry.listedTwice ? null : claim(trunk, trunkAlgorithms, source), judged);
    }
    // A Secret's change reaches the lines that name it; when the lookup cannot tell which
    // Secrets changed, every password is read again.
    Optional<Set<String>> changedSecrets = trusted ? secrets.changedSinceLast() : Optional.empty();
    Collection<LineEntry> rereading =
        changedSecrets.isEmpty()
            ? memo.members()
            : changedSecrets.get().stream()
                .flatMap(secret -> memo.naming(secret).stream())
                .toList();
    for (LineEntry entry : rereading) {
      entry.password = null;
      LineMemo.judges(entry, judged);
    }
    memo.withdraws(judged);
    for (LineEntry entry : judged) {
      judge(entry, secrets, memo);
    }
    memo.settles(judged);
    return memo.ends(problems);
  }

  /** What {@code source} claims in {@code trunk}, or null if it is a line of another trunk. */
  private static LineMemo.Claim claim(String trunk, List<String> trunkAlgorithms, SipLine source) {
    SipLineSpec spec = source.getSpec();
    if (spec == null || !trunk.equals(spec.getTrunk())) {
      return null;
    }
    return new LineMemo.Claim(
        spec.getNumber(),
        spec.getUsername(),
        spec.getCredentialsSecret(),
        new TrunkConfig.Line(
            source.getMetadata().getName(),
            spec.getNumber(),
            spec.getUsername(),
            requireNonNullElse(spec.getChannels(), Defaults.LINE_CHANNELS),
            spec.getDisplayName(),
            SettingsCompiler.digestAlgorithms(spec.getDigestAlgorithms(), trunkAlgorithms)));
  }

  /**
   * Puts a line in force or leaves it out. Of two lines claiming one number or user name, the first
   * by name wins it whatever order the caller's cache lists them in; the other is left out.
   */
  private static void judge(LineEntry line, SecretLookup secrets, LineMemo memo) {
    String name = line.name;
    if (line.listedTwice) {
      leaveOut(
          line,
          memo,
          Problem.DUPLICATE_LINE,
          "line " + name + " is listed more than once: each is left out");
      return;
    }
    if (!line.member) {
      return;
    }
    String numberOwner = memo.numberOwner(line.number);
    String userOwner = memo.usernameOwner(line.username);
    if (!numberOwner.equals(name) || !userOwner.equals(name)) {
      leaveOut(
          line,
          memo,
          Problem.DUPLICATE_LINE,
          !numberOwner.equals(name)
              ? "number " + line.number + " already belongs to line " + numberOwner
              : "username " + line.username + " already belongs to line " + userOwner);
      return;
    }
    if (line.password == null) {
      line.password = secrets.find(line.credentialsSecret, PASSWORD);
    }
    if (line.password.isEmpty()) {
      leaveOut(
          line,
          memo,
          Problem.CREDENTIALS_NOT_FOUND,
          "Secret " + line.credentialsSecret + " has no key password");
      return;
    }
    memo.putsInForce(line, memo.secret(line, line.password.get()));
  }

  private static void leaveOut(LineEntry line, LineMemo memo, String reason, String message) {
    memo.leavesOut(line, new Problem("SipLine", line.name, reason, message));
  }
}
