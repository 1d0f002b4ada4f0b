package io.trunkline.relay.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key a trunk's proxies and relays authenticate control datagrams with
 * (docs/decisions/0009-relay-control-protocol.md): 32 random bytes, the length of HMAC-SHA256's
 * output, as RFC 2104 §3 advises. Written as 64 hex digits wherever people and Kubernetes carry it
 * (the trunk's relay control Secret, {@code TRUNKLINE_RELAY_CONTROL_KEY}), since an environment
 * variable cannot hold arbitrary bytes.
 */
public final class ControlKey {

  public static final int BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private ControlKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh key, for a standalone edge whose proxy and relay share one process. */
  public static ControlKey random() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return new ControlKey(bytes);
  }

  /**
   * Reads 64 hex digits.
   *
   * @throws IllegalArgumentException saying what is wrong without repeating the text, which may be
   *     most of a key
   */
  public static ControlKey parse(String hex) {
    String digits = hex.strip();
    if (digits.length() != 2 * BYTES) {
      throw new IllegalArgumentException(
          "a control key is " + 2 * BYTES + " hex digits, not " + digits.length());
    }
    try {
      return new ControlKey(HexFormat.of().parseHex(digits));
    } catch (IllegalArgumentException notHex) {
      throw new IllegalArgumentException("a control key is hex digits only");
    }
  }

  byte[] bytes() {
    return bytes.clone();
  }

  /**
   * A key for another use that every holder of this one derives alike, and that tells nothing of
   * this one: HMAC-SHA256 of {@code purpose} under it (RFC 5869 §2.3's expand, one block).
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /** Never the key itself: configurations that hold one get logged. */
  @Override
  public String toString() {
    return "ControlKey[" + BYTES + " bytes]";
  }
}
