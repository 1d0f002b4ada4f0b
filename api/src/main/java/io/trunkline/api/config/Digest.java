package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digest HA1 values (RFC 3261 §22.4; SHA-256 per RFC 8760 §3), so no password reaches a pod. */
public final class Digest {

  /**
   * One of each per thread (MessageDigest is not thread-safe): a trunk's compilation hashes every
   * line's password, and looking the algorithms up again for each line took longer than the
   * hashing. Reusing them cut a change to a trunk of 10,000 lines from 61 to 70 ms to 45 to 60 ms
   * (bench/snapshot-compile.sh, C1 only, five runs before and seven after).
   */
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(() -> instance("MD5"));

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(() -> instance("SHA-256"));

  private Digest() {}

  /** HA1 = H(username ":" realm ":" password) in MD5 and SHA-256. */
  public static DigestSecret secret(String username, String realm, String password) {
    byte[] a1 = (username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8);
    HexFormat hex = HexFormat.of();
    return new DigestSecret(
        username, hex.formatHex(MD5.get().digest(a1)), hex.formatHex(SHA_256.get().digest(a1)));
  }

  /**
   * Lower-case hex of the MD5 of {@code text} in UTF-8, as digest authentication writes it. The
   * proxy hashes on every challenged request, so it too reuses this thread's instance.
   */
  public static String md5Hex(String text) {
    return hex(MD5.get(), text);
  }

  /** Lower-case hex of the SHA-256 of {@code text} in UTF-8 (RFC 8760 §3). */
  public static String sha256Hex(String text) {
    return hex(SHA_256.get(), text);
  }

  private static String hex(MessageDigest digest, String text) {
    return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** This thread's MD5, for a hash made at once ({@link MessageDigest#digest(byte[])}). */
  static MessageDigest md5() {
    return MD5.get();
  }

  private static MessageDigest instance(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides " + algorithm, e);
    }
  }
}
