package io.trunkline.sip.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The source bans of one proxy, counted in memory. */
public final class InMemorySourceBans implements SourceBans {

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

  public InMemorySourceBans(Policy policy, Clock clock) {
    this.maxFailures = policy.maxFailures();
    this.window = policy.window();
    this.ban = policy.ban();
    this.clock = clock;
  }

  @Override
  public boolean banned(InetAddress source) {
    Record record = sources.get(source);
    if (record == null) {
      return false;
    }
    synchronized (record) {
      return clock.instant().isBefore(record.bannedUntil);
    }
  }

  @Override
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

  /** Bans {@code source} until {@code until}: a ban another proxy of the pool made. */
  public void ban(InetAddress source, Instant until) {
    Record record = sources.computeIfAbsent(source, s -> new Record());
    synchronized (record) {
      if (until.isAfter(record.bannedUntil)) {
        record.bannedUntil = until;
      }
    }
  }

  @Override
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
