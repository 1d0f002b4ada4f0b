package io.trunkline.relay.quality;

import java.util.Arrays;

/**
 * RTP timestamp rates of the static payload types (RFC 3551 §6, Tables 4 and 5), which jitter needs
 * to turn timestamp units into seconds. The relay does not read SDP, so a dynamic payload type
 * (96-127) falls back to 8000 Hz: on trunks these are mostly telephone-events (RFC 4733) that
 * follow the 8000 Hz audio clock of G.711 and G.729.
 */
public final class ClockRates {

  /** The clock of G.711, G.729 and telephone-events on narrowband trunks. */
  public static final int DEFAULT = 8000;

  private static final int[] STATIC = new int[35];

  static {
    Arrays.fill(STATIC, DEFAULT);
    STATIC[6] = 16000; // DVI4 wideband
    STATIC[10] = 44100; // L16 stereo
    STATIC[11] = 44100; // L16 mono
    STATIC[14] = 90000; // MPA
    STATIC[16] = 11025; // DVI4
    STATIC[17] = 22050; // DVI4
    for (int video : new int[] {25, 26, 28, 31, 32, 33, 34}) {
      STATIC[video] = 90000;
    }
    // G.722 (9) stays at 8000: RFC 3551 §4.5.2 keeps its timestamp clock at 8000 Hz by mistake.
  }

  private ClockRates() {}

  public static int of(int payloadType) {
    return payloadType >= 0 && payloadType < STATIC.length ? STATIC[payloadType] : DEFAULT;
  }
}
