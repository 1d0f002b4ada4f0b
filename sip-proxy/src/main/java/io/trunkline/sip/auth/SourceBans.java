package io.trunkline.sip.auth;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Slows password guessing (docs/scenarios.md: repeated failures from one source are banned for a
 * while): a source whose credentials were wrong {@code maxFailures} times within {@code window} is
 * refused without a challenge for {@code ban}. Toll fraud on SIP starts with exactly this kind of
 * scan, and a challenge costs the scanner nothing. An interface because one proxy counts in memory
 * while a pool counts a source's failures on every proxy together.
 */
public interface SourceBans {

  /** How many wrong answers, within how long, ban a source for how long. */
  record Policy(int maxFailures, Duration window, Duration ban) {
    /** Five wrong answers within a minute ban a source for ten minutes. */
    public static final Policy DEFAULT =
        new Policy(5, Duration.ofMinutes(1), Duration.ofMinutes(10));
  }

  boolean banned(InetAddress source);

  /** Counts wrong credentials from {@code source}; returns true when this failure bans it. */
  boolean failed(InetAddress source);

  /** Forgets sources with neither a ban nor recent failures; call it now and then. */
  void forgetQuiet();
}
