package io.trunkline.relay.session;

import io.trunkline.relay.control.Direction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live sessions, found by Call-ID and either party's tag: the caller's From tag names the
 * session, and once answered the callee's To tag finds it too, so a re-INVITE or BYE from the
 * callee (whose From tag is the original To tag, RFC 3261 §12.2.1.1) reaches the same session.
 *
 * <p>Changes are serialized by the table's lock so the maximum-sessions guard is exact; lookups and
 * the size read the concurrent maps without it.
 */
public final class SessionTable {

  /** A session found by one party's tag, and which leg that party is. */
  public record Match(RelaySession session, Direction side) {}

  private final int maxSessions;
  private final ConcurrentHashMap<SessionKey, RelaySession> byCallerTag = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<SessionKey, RelaySession> byCalleeTag = new ConcurrentHashMap<>();

  public SessionTable(int maxSessions) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be at least 1: " + maxSessions);
    }
    this.maxSessions = maxSessions;
  }

  public Optional<Match> find(String callId, String tag) {
    SessionKey key = new SessionKey(callId, tag);
    RelaySession session = byCallerTag.get(key);
    if (session != null) {
      return Optional.of(new Match(session, Direction.CALLER));
    }
    session = byCalleeTag.get(key);
    return session == null ? Optional.empty() : Optional.of(new Match(session, Direction.CALLEE));
  }

  /** Whether a new session would pass the maximum-sessions guard now. */
  public boolean full() {
    return byCallerTag.size() >= maxSessions;
  }

  /**
   * Adds a session under its caller tag.
   *
   * @return false when the table is full or the key is taken; the caller then owns the session
   */
  public synchronized boolean add(RelaySession session) {
    if (full() || byCallerTag.containsKey(session.key())) {
      return false;
    }
    byCallerTag.put(session.key(), session);
    return true;
  }

  /**
   * Records the callee's tag from an answer. When a forked INVITE is answered again under another
   * tag the latest answer wins: the proxy cancels the other branches (RFC 3261 §16.7 step 10).
   */
  public synchronized void calleeTag(RelaySession session, String toTag) {
    if (byCallerTag.get(session.key()) != session || toTag.equals(session.toTag())) {
      return;
    }
    if (session.toTag() != null) {
      byCalleeTag.remove(new SessionKey(session.key().callId(), session.toTag()), session);
    }
    session.toTag(toTag);
    byCalleeTag.put(new SessionKey(session.key().callId(), toTag), session);
  }

  /**
   * Removes a session.
   *
   * @return false when it was already removed: whoever removes it releases its ports, exactly once
   */
  public synchronized boolean remove(RelaySession session) {
    if (!byCallerTag.remove(session.key(), session)) {
      return false;
    }
    if (session.toTag() != null) {
      byCalleeTag.remove(new SessionKey(session.key().callId(), session.toTag()), session);
    }
    return true;
  }

  /** Sessions without media or signalling for at least {@code timeoutNanos}. */
  public List<RelaySession> idle(long nowNanos, long timeoutNanos) {
    List<RelaySession> idle = new ArrayList<>();
    for (RelaySession session : byCallerTag.values()) {
      if (session.idleNanos(nowNanos) >= timeoutNanos) {
        idle.add(session);
      }
    }
    return idle;
  }

  public Collection<RelaySession> sessions() {
    return List.copyOf(byCallerTag.values());
  }

  public int size() {
    return byCallerTag.size();
  }

  public int maxSessions() {
    return maxSessions;
  }
}
