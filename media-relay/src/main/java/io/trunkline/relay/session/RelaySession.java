package io.trunkline.relay.session;

import io.trunkline.relay.control.Direction;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.SessionReport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relayed call: two legs whose sockets live on one event loop, so a packet is read, counted and
 * forwarded by one thread without handing it over.
 */
public final class RelaySession {

  private final SessionKey key;
  private final Leg caller;
  private final Leg callee;
  private final Executor eventLoop;
  private final AtomicLong lastActivity;
  private volatile String toTag;

  /**
   * @param eventLoop the loop that owns both legs' sockets; leg state is only touched there
   * @param nowNanos creation time, the start of the idle clock until media flows
   */
  public RelaySession(SessionKey key, Leg caller, Leg callee, Executor eventLoop, long nowNanos) {
    this.key = key;
    this.caller = caller;
    this.callee = callee;
    this.eventLoop = eventLoop;
    this.lastActivity = new AtomicLong(nowNanos);
  }

  public SessionKey key() {
    return key;
  }

  /** The callee's tag from the answer, or null before it. */
  public String toTag() {
    return toTag;
  }

  void toTag(String tag) {
    this.toTag = tag;
  }

  public Leg leg(Direction side) {
    return side == Direction.CALLER ? caller : callee;
  }

  /**
   * Hands the media address from an offer or answer to the leg, on the leg's event loop.
   *
   * @return done once the loop has taken it: the control reply waits for this, so media sent right
   *     after the reply finds the address in place
   */
  public CompletableFuture<Void> signal(Direction side, MediaEndpoint endpoint) {
    Leg leg = leg(side);
    return CompletableFuture.runAsync(() -> leg.signal(endpoint), eventLoop);
  }

  /**
   * Marks media or signalling activity. A lazy (release) store: the per-packet path pays no fence,
   * and the reaper reading a value a few packets old only delays reaping by that much.
   */
  public void touch(long nowNanos) {
    lastActivity.lazySet(nowNanos);
  }

  /** How long the session has been without media or signalling. */
  public long idleNanos(long nowNanos) {
    return nowNanos - lastActivity.get();
  }

  /**
   * Closes both legs' sockets on their event loop and reads the legs' statistics there, after the
   * last packet was counted.
   */
  public CompletableFuture<SessionReport> close() {
    CompletableFuture<SessionReport> report = new CompletableFuture<>();
    eventLoop.execute(
        () -> {
          caller.close();
          callee.close();
          report.complete(new SessionReport(caller.report(), callee.report()));
        });
    return report;
  }
}
