package io.trunkline.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: the issue time and an HMAC over it and the realm, so any replica that shares
 * the key can check a nonce without remembering it, and an old one is recognised as stale (RFC 2617
 * §3.2.1, stale=true) rather than wrong.
 */
public final class NonceFactory {

  private final byte[] key;
  private final Clock clock;
  private final Duration lifetime;

  public NonceFactory(byte[] key, Clock clock, Duration lifetime) {
    this.key = key.clone();
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** A factory with a fresh random key: nonces are valid only where it was made. */
  public static NonceFactory random(Clock clock, Duration lifetime) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new NonceFactory(key, clock, lifetime);
  }

  public String issue(String realm) {
    long issued = clock.millis();
    ByteBuffer nonce = ByteBuffer.allocate(8 + 32).putLong(issued).put(mac(issued, realm));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
  }

  public Check check(String nonce, String realm) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return Check.FORGED;
    }
    if (bytes.length != 40) {
      return Check.FORGED;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long issued = buffer.getLong();
    byte[] mac = new byte[32];
    buffer.get(mac);
    if (!MessageDigest.isEqual(mac, mac(issued, realm))) {
      return Check.FORGED;
    }
    Instant expiry = Instant.ofEpochMilli(issued).plus(lifetime);
    return clock.instant().isAfter(expiry) ? Check.STALE : Check.FRESH;
  }

  /** What a nonce turned out to be. */
  public enum Check {
    FRESH,
    STALE,
    FORGED
  }

  private byte[] mac(long issued, String realm) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      hmac.update(ByteBuffer.allocate(8).putLong(issued).array());
      return hmac.doFinal(realm.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM provides HmacSHA256", e);
    }
  }
}
