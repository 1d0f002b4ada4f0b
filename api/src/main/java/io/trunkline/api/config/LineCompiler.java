package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.config.TrunkCompiler.SecretLookup;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.line.SipLineSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles the lines attached to a trunk and their digest HA1 values (RFC 3261 §22.4, RFC 8760 §3).
 * A bad line is left out rather than blocking the snapshot: it then cannot register, which fails
 * closed (decision 0006).
 */
final class LineCompiler {

  private static final String PASSWORD = "password";

  private static final Comparator<SipLine> BY_NAME =
      (one, other) -> one.getMetadata().getName().compareTo(other.getMetadata().getName());

  /** The compiled lines in name order, and their HA1 values by user name. */
  record Lines(List<TrunkConfig.Line> lines, Map<String, DigestSecret> secrets) {

    /** Whether a line of this name was compiled: a binary search, as the lines are in order. */
    boolean has(String name) {
      int low = 0;
      int high = lines.size() - 1;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        int order = lines.get(middle).name().compareTo(name);
        if (order == 0) {
          return true;
        } else if (order < 0) {
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return false;
    }
  }

  private LineCompiler() {}

  /**
   * Compiles the lines of {@code trunk} among {@code lines}, ignoring those of other trunks; a line
   * without digest algorithms of its own takes {@code trunkAlgorithms}. Only the lines whose inputs
   * changed since {@code memo}'s last compilation are hashed.
   */
  static Lines compile(
      String trunk,
      String realm,
      List<String> trunkAlgorithms,
      Collection<SipLine> lines,
      SecretLookup secrets,
      LineMemo memo,
      Problems problems) {
    memo.begins(trunkAlgorithms);
    // Sized for every line, as a trunk's compilation walks thousands of them on each change.
    int capacity = lines.size() * 4 / 3 + 1;
    Map<String, String> numbers = new HashMap<>(capacity);
    Map<String, String> usernames = new HashMap<>(capacity);
    List<TrunkConfig.Line> compiled = new ArrayList<>(lines.size());
    List<Map.Entry<String, DigestSecret>> digests = new ArrayList<>(lines.size());
    // In name order, so that of two lines claiming one number or user name the same one wins
    // whatever order the caller's cache lists them in.
    List<SipLine> byName = memo.inOrder(lines, BY_NAME);
    for (SipLine line : byName) {
      SipLineSpec spec = line.getSpec();
      String name = line.getMetadata().getName();
      if (spec == null || !trunk.equals(spec.getTrunk())) {
        continue;
      }
      String numberOwner = numbers.putIfAbsent(spec.getNumber(), name);
      String userOwner = usernames.putIfAbsent(spec.getUsername(), name);
      if (numberOwner != null || userOwner != null) {
        problems.leaveOut(
            "SipLine",
            name,
            Problem.DUPLICATE_LINE,
            numberOwner != null
                ? "number " + spec.getNumber() + " already belongs to line " + numberOwner
                : "username " + spec.getUsername() + " already belongs to line " + userOwner);
        continue;
      }
      Optional<String> password = secrets.find(spec.getCredentialsSecret(), PASSWORD);
      if (password.isEmpty()) {
        problems.leaveOut(
            "SipLine",
            name,
            Problem.CREDENTIALS_NOT_FOUND,
            "Secret " + spec.getCredentialsSecret() + " has no key password");
        continue;
      }
      digests.add(
          Map.entry(
              spec.getUsername(), memo.secret(name, spec.getUsername(), realm, password.get())));
      TrunkConfig.Line remembered = memo.remembered(line);
      compiled.add(
          remembered != null
              ? remembered
              : memo.line(
                  line,
                  new TrunkConfig.Line(
                      name,
                      spec.getNumber(),
                      spec.getUsername(),
                      requireNonNullElse(spec.getChannels(), Defaults.LINE_CHANNELS),
                      spec.getDisplayName(),
                      SettingsCompiler.digestAlgorithms(
                          spec.getDigestAlgorithms(), trunkAlgorithms))));
    }
    memo.ends();
    // Immutable already, so the credentials take the map without copying it.
    @SuppressWarnings("unchecked")
    Map.Entry<String, DigestSecret>[] entries = digests.toArray(Map.Entry[]::new);
    return new Lines(compiled, Map.ofEntries(entries));
  }
}
