package io.trunkline.sip.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing (docs/scenarios.md: repeated failures from one source are banned for a
 * while): a source whose credentials were wrong {@code maxFailures} times within {@code window} is
 * refused without a challenge for {@code ban}. Toll fraud on SIP starts with exactly this kind of
 * scan, and a challenge costs the scanner nothing.
 */
public final class SourceBans {

  private final int maxFailures;
  private final Duration window;
  private final Duration ban;
  private final Clock clock;
  private final Map<InetAddress, Record> sources = new ConcurrentHashMap<>();

  /** One source's recent failures and ban; guarded by itself. */
  private static final class Record {
    final Deque<Instant> failures = new ArrayDeque<>();
    Instant bannedUntil = Instant.MIN;
  }

  public SourceBans(int maxFailures, Duration window, Duration ban, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.ban = ban;
    this.clock = clock;
  }

  /** Five wrong answers within a minute ban a source for ten minutes. */
  public static SourceBans defaults(Clock clock) {
    return new SourceBans(5, Duration.ofMinutes(1), Duration.ofMinutes(10), clock);
  }

  public boolean banned(InetAddress source) {
    Record record = sources.get(source);
    if (record == null) {
      return false;
    }
    synchronized (record) {
      return clock.instant().isBefore(record.bannedUntil);
    }
  }

  /** Counts wrong credentials from {@code source}; returns true when this failure bans it. */
  public boolean failed(InetAddress source) {
    Instant now = clock.instant();
    Record record = sources.computeIfAbsent(source, s -> new Record());
    synchronized (record) {
      record.failures.addLast(now);
      while (!record.failures.isEmpty()
          && record.failures.peekFirst().isBefore(now.minus(window))) {
        record.failures.removeFirst();
      }
      if (record.failures.size() >= maxFailures) {
        record.failures.clear();
        record.bannedUntil = now.plus(ban);
        return true;
      }
      return false;
    }
  }

  /** Forgets sources with neither a ban nor recent failures; call it now and then. */
  public void forgetQuiet() {
    Instant now = clock.instant();
    sources
        .entrySet()
        .removeIf(
            entry -> {
              Record record = entry.getValue();
              synchronized (record) {
                return !now.isBefore(record.bannedUntil)
                    && (record.failures.isEmpty()
                        || record.failures.peekLast().isBefore(now.minus(window)));
              }
            });
  }
}
