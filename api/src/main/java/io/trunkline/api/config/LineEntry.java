package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.v1alpha1.line.SipLine;
import java.util.Optional;

/** One line as a trunk's {@link LineMemo} last listed and judged it, by name. */
final class LineEntry {
  final String name;

  /** The line listed in this compilation, when it must be compiled again; null otherwise. */
  SipLine source;

  /**
   * The resourceVersion of the line last compiled. The API server gives every write of any object a
   * new one, so one version compiles one way. The version rather than the object: a change of the
   * line's status alone reconciles no trunk, and the memo would keep the object from before it
   * beside the cache's, for every line.
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

  LineEntry(String name) {
    this.name = name;
  }
}
