package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digest HA1 values (RFC 3261 §22.4; SHA-256 per RFC 8760 §3), so no password reaches a pod. */
public final class Digest {

  private Digest() {}

  /** HA1 = H(username ":" realm ":" password) in MD5 and SHA-256. */
  public static DigestSecret secret(String username, String realm, String password) {
    String a1 = username + ":" + realm + ":" + password;
    return new DigestSecret(username, hex("MD5", a1), hex("SHA-256", a1));
  }

  /** Lower-case hex of the digest of {@code text} in UTF-8, as digest authentication writes it. */
  public static String hex(String algorithm, String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance(algorithm);
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides " + algorithm, e);
    }
  }
}
