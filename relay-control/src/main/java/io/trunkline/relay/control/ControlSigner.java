package io.trunkline.relay.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs control datagrams and checks them, in both directions
 * (docs/decisions/0009-relay-control-protocol.md): a first line {@code t=<unix seconds> mac=<64 hex
 * digits>} before the JSON, the MAC an HMAC-SHA256 (RFC 2104) under the trunk's {@link ControlKey}
 * of {@code "request " + t + "\n" + json} (or {@code "reply "}), over the JSON bytes as sent. The
 * direction in the MAC keeps a captured request from passing as a reply and the reverse; the
 * timestamp keeps a captured datagram from being replayed after {@link #FRESHNESS}.
 *
 * <p>Thread-safe: each thread computes with a {@link Mac} of its own.
 */
public final class ControlSigner {

  /**
   * How far a datagram's timestamp may be from the receiver's clock either way: clock skew between
   * nodes running NTP is milliseconds, and a request is retransmitted for a second at most. A
   * datagram is fresh for twice this, which the relay's 30 s reply cache covers, so a request acts
   * at most once however often it is replayed.
   */
  public static final Duration FRESHNESS = Duration.ofSeconds(15);

  /** The longest signature line: {@code t=}, 12 digits, {@code mac=}, 64 hex digits, LF. */
  public static final int MAX_SIGNATURE_BYTES = 2 + 12 + 5 + 64 + 1;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAC_HEX_DIGITS = 64;
  private static final int MAX_TIME_DIGITS = 12;
  private static final byte[] TIME = ascii("t=");
  private static final byte[] MAC = ascii(" mac=");
  private static final byte[] REQUEST = ascii("request ");
  private static final byte[] REPLY = ascii("reply ");
  private static final HexFormat HEX = HexFormat.of();

  /** Why a datagram was refused. */
  public enum Refusal {
    /** No signature line, or a MAC that is not the key's: a stranger, or another trunk's key. */
    UNAUTHENTICATED,
    /** Signed with the key, but at a time too far from now: a replay, or a clock far off. */
    STALE
  }

  /** The outcome of checking a datagram. */
  public sealed interface Verification {

    /**
     * Signed with the key and fresh.
     *
     * @param mac the MAC's hex digits, which tell this datagram from any other
     * @param offset where the JSON starts in the datagram
     * @param length how long the JSON is
     */
    record Authentic(String mac, int offset, int length) implements Verification {}

    /**
     * @param problem what was wrong, for a debug log
     */
    record Refused(Refusal refusal, String problem) implements Verification {}
  }

  private final SecretKeySpec key;
  private final Clock clock;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public ControlSigner(ControlKey key) {
    this(key, Clock.systemUTC());
  }

  /**
   * @param clock the wall clock of the timestamps; tests move it instead of sleeping
   */
  public ControlSigner(ControlKey key, Clock clock) {
    this.key = new SecretKeySpec(key.bytes(), ALGORITHM);
    this.clock = clock;
    newMac(); // fails here, at start, rather than on the first datagram
  }

  /** The datagram of a request: the signature line, then {@code json}. */
  public byte[] signRequest(byte[] json) {
    return sign(REQUEST, json);
  }

  /** The datagram of a reply: the signature line, then {@code json}. */
  public byte[] signReply(byte[] json) {
    return sign(REPLY, json);
  }

  /** Checks a datagram that should be a request signed with the key. */
  public Verification verifyRequest(byte[] datagram, int offset, int length) {
    return verify(REQUEST, datagram, offset, length);
  }

  /** Checks a datagram that should be a reply signed with the key. */
  public Verification verifyReply(byte[] datagram, int offset, int length) {
    return verify(REPLY, datagram, offset, length);
  }

  private byte[] sign(byte[] direction, byte[] json) {
    byte[] time = ascii(Long.toString(clock.instant().getEpochSecond()));
    byte[] mac = ascii(HEX.formatHex(mac(direction, time, 0, time.length, json, 0, json.length)));
    byte[] datagram =
        new byte[TIME.length + time.length + MAC.length + mac.length + 1 + json.length];
    int at = 0;
    for (byte[] part : new byte[][] {TIME, time, MAC, mac, {'\n'}, json}) {
      System.arraycopy(part, 0, datagram, at, part.length);
      at += part.length;
    }
    return datagram;
  }

  private Verification verify(byte[] direction, byte[] datagram, int offset, int length) {
    int end = offset + length;
    if (!startsWith(datagram, offset, end, TIME)) {
      return new Verification.Refused(Refusal.UNAUTHENTICATED, "no signature line");
    }
    int timeStart = offset + TIME.length;
    int timeEnd = timeStart;
    long seconds = 0;
    while (timeEnd < end
        && timeEnd - timeStart < MAX_TIME_DIGITS
        && datagram[timeEnd] >= '0'
        && datagram[timeEnd] <= '9') {
      seconds = seconds * 10 + datagram[timeEnd] - '0';
      timeEnd++;
    }
    int macStart = timeEnd + MAC.length;
    int jsonStart = macStart + MAC_HEX_DIGITS + 1;
    if (timeEnd == timeStart
        || !startsWith(datagram, timeEnd, end, MAC)
        || jsonStart > end
        || datagram[jsonStart - 1] != '\n') {
      return new Verification.Refused(Refusal.UNAUTHENTICATED, "malformed signature line");
    }
    byte[] expected =
        ascii(
            HEX.formatHex(
                mac(
                    direction,
                    datagram,
                    timeStart,
                    timeEnd - timeStart,
                    datagram,
                    jsonStart,
                    end - jsonStart)));
    byte[] given = Arrays.copyOfRange(datagram, macStart, macStart + MAC_HEX_DIGITS);
    // Constant time: a comparison that stops at the first wrong digit tells a forger how many
    // leading digits are right.
    if (!MessageDigest.isEqual(expected, given)) {
      return new Verification.Refused(Refusal.UNAUTHENTICATED, "wrong MAC");
    }
    long skew = clock.instant().getEpochSecond() - seconds;
    if (Math.abs(skew) > FRESHNESS.toSeconds()) {
      return new Verification.Refused(
          Refusal.STALE, "signed " + skew + " s from now, beyond " + FRESHNESS.toSeconds() + " s");
    }
    return new Verification.Authentic(
        new String(given, StandardCharsets.US_ASCII), jsonStart, end - jsonStart);
  }

  private byte[] mac(
      byte[] direction,
      byte[] time,
      int timeOffset,
      int timeLength,
      byte[] json,
      int jsonOffset,
      int jsonLength) {
    Mac mac = macs.get();
    mac.update(direction);
    mac.update(time, timeOffset, timeLength);
    mac.update((byte) '\n');
    mac.update(json, jsonOffset, jsonLength);
    return mac.doFinal();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java platform must provide HmacSHA256 (the javax.crypto.Mac specification).
      throw new IllegalStateException(ALGORITHM + " unavailable", e);
    }
  }

  private static boolean startsWith(byte[] datagram, int offset, int end, byte[] prefix) {
    if (end - offset < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (datagram[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
