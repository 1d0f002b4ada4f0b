package io.trunkline.sip.pool;

import gov.nist.javax.sip.header.Via;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that a request was handed over by a proxy of this pool, which DNS cannot give at once: a
 * member looks the others up every few seconds, through caches, so a pod that has just started
 * hands calls to members that do not know it yet. Held back until they do, its calls' INVITEs were
 * retransmitted for seconds and then arrived together, over the trunk's calls per second; judged as
 * a stranger's, one was refused 403 (both seen on a real node, a rolling upgrade).
 *
 * <p>The proxy handing a request over seals its own Via with an HMAC-SHA256, under a key every
 * replica derives from the pool's shared key, over that Via, the Call-ID, the time, and the Via
 * below it, where the receiving proxy noted the caller's address (received, rport) that the owner
 * then trusts as the source. So a seal vouches for the sender and for the origin it reports, and a
 * copied seal is good for {@link #WINDOW_SECONDS} only, and only from the sealing member's address
 * (the caller checks that the sealed Via names the address the request came from).
 */
public final class HandOverSeal {

  /** The Via parameter holding the seal: the time in seconds, a dot, 16 bytes of MAC in hex. */
  static final String PARAMETER = "tl-seal";

  private static final String PURPOSE = "trunkline hand-over seal";

  /**
   * How far a seal's time may be from this member's clock: the pool's nodes keep time by NTP, and a
   * hand-over travels for milliseconds.
   */
  static final long WINDOW_SECONDS = 120;

  private static final int MAC_BYTES = 16;
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;
  private final Clock clock;

  /**
   * @param poolKey the key the pool's replicas share; a replica's own key seals what no other
   *     member accepts, as a pool with nothing to share needs
   */
  public HandOverSeal(byte[] poolKey, Clock clock) {
    this.key =
        new SecretKeySpec(hmac(new SecretKeySpec(poolKey, "HmacSHA256"), PURPOSE), "HmacSHA256");
    this.clock = clock;
  }

  /** Seals {@code own}, this member's Via on a request it hands over, above {@code below}. */
  public void seal(Via own, Via below, String callId) {
    long now = clock.instant().getEpochSecond();
    try {
      own.setParameter(PARAMETER, now + "." + HEX.formatHex(mac(own, below, callId, now)));
    } catch (ParseException e) {
      throw new IllegalStateException("digits, a dot and hex always parse", e);
    }
  }

  /**
   * Whether {@code via}, above {@code below}, carries a seal of this pool made within the window.
   */
  public boolean sealed(Via via, Via below, String callId) {
    String seal = via.getParameter(PARAMETER);
    int dot = seal == null ? -1 : seal.indexOf('.');
    if (dot <= 0 || seal.length() - dot - 1 != 2 * MAC_BYTES) {
      return false;
    }
    long time;
    byte[] claimed;
    try {
      time = Long.parseLong(seal, 0, dot, 10);
      claimed = HEX.parseHex(seal, dot + 1, seal.length());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (Math.abs(clock.instant().getEpochSecond() - time) > WINDOW_SECONDS) {
      return false;
    }
    return MessageDigest.isEqual(claimed, mac(via, below, callId, time));
  }

  private byte[] mac(Via own, Via below, String callId, long time) {
    StringBuilder text = new StringBuilder(256);
    text.append(time).append('\n').append(callId).append('\n');
    text.append(own.getHost()).append(' ').append(own.getPort()).append(' ');
    text.append(own.getBranch()).append('\n');
    if (below != null) {
      text.append(below.getHost()).append(' ').append(below.getPort()).append(' ');
      text.append(below.getBranch()).append(' ').append(below.getReceived()).append(' ');
      text.append(below.getRPort());
    }
    byte[] full = hmac(key, text.toString());
    byte[] truncated = new byte[MAC_BYTES];
    System.arraycopy(full, 0, truncated, 0, MAC_BYTES);
    return truncated;
  }

  private static byte[] hmac(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
