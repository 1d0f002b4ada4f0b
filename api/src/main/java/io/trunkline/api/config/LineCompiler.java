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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Compiles the lines attached to a trunk and their digest HA1 values (RFC 3261 §22.4, RFC 8760 §3).
 * A bad line is left out rather than blocking the snapshot: it then cannot register, which fails
 * closed (decision 0006).
 */
final class LineCompiler {

  private static final String PASSWORD = "password";

  /** The compiled lines, and their HA1 values by user name. */
  record Lines(List<TrunkConfig.Line> lines, Map<String, DigestSecret> secrets) {}

  private LineCompiler() {}

  /**
   * Compiles the lines of {@code trunk} among {@code lines}, ignoring those of other trunks; a line
   * without digest algorithms of its own takes {@code trunkAlgorithms}.
   */
  static Lines compile(
      String trunk,
      String realm,
      List<String> trunkAlgorithms,
      Collection<SipLine> lines,
      SecretLookup secrets,
      Problems problems) {
    Map<String, String> numbers = new LinkedHashMap<>();
    Map<String, String> usernames = new LinkedHashMap<>();
    List<TrunkConfig.Line> compiled = new ArrayList<>();
    Map<String, DigestSecret> digests = new LinkedHashMap<>();
    // In name order, so that of two lines claiming one number or user name the same one wins
    // whatever order the caller's cache lists them in.
    List<SipLine> byName =
        lines.stream()
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(l -> l.getMetadata().getName()))
            .toList();
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
      digests.put(spec.getUsername(), Digest.secret(spec.getUsername(), realm, password.get()));
      compiled.add(
          new TrunkConfig.Line(
              name,
              spec.getNumber(),
              spec.getUsername(),
              requireNonNullElse(spec.getChannels(), Defaults.LINE_CHANNELS),
              spec.getDisplayName(),
              SettingsCompiler.digestAlgorithms(spec.getDigestAlgorithms(), trunkAlgorithms)));
    }
    return new Lines(compiled, digests);
  }
}
