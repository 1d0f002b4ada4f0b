package io.trunkline.relay;

import io.trunkline.relay.control.Direction;
import io.trunkline.relay.control.LegReport;
import io.trunkline.relay.control.SessionReport;
import io.trunkline.relay.media.MediaSockets;
import io.trunkline.relay.ops.RelayMetrics;
import io.trunkline.relay.port.PortAllocator;
import io.trunkline.relay.port.PortPair;
import io.trunkline.relay.session.RelaySession;
import io.trunkline.relay.session.SessionTable;
import io.trunkline.relay.session.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends sessions, whether deleted, idle or shut down, and gives their ports back exactly once. Runs
 * on the relay's control thread, like {@link SessionControl}.
 */
final class SessionTeardown {

  private static final System.Logger LOG = System.getLogger(SessionTeardown.class.getName());

  private final Duration idleTimeout;
  private final Ticker ticker;
  private final PortAllocator allocator;
  private final SessionTable table;
  private final RelayMetrics metrics;

  SessionTeardown(
      Duration idleTimeout,
      Ticker ticker,
      PortAllocator allocator,
      SessionTable table,
      RelayMetrics metrics) {
    this.idleTimeout = idleTimeout;
    this.ticker = ticker;
    this.allocator = allocator;
    this.table = table;
    this.metrics = metrics;
  }

  /** Ends the sessions that had no media or signalling for the idle timeout. */
  void reapIdle() {
    try {
      long now = ticker.nanos();
      for (RelaySession session : table.idle(now, idleTimeout.toNanos())) {
        end(session, RelayMetrics.End.IDLE)
            .ifPresent(
                report ->
                    LOG.log(
                        System.Logger.Level.INFO,
                        "session {0} reaped after {1} s without media: caller {2}, callee {3}",
                        session.key(),
                        idleTimeout.toSeconds(),
                        report.caller(),
                        report.callee()));
      }
    } catch (RuntimeException e) {
      // A failed sweep must not cancel the next ones.
      LOG.log(System.Logger.Level.ERROR, "idle sweep failed", e);
    }
  }

  /**
   * Ends a session: out of the table first, so exactly one caller gets to release its ports, then
   * the sockets closed and the statistics read on the session's loop, then the ports returned.
   *
   * @return empty when the session had already ended
   */
  Optional<SessionReport> end(RelaySession session, RelayMetrics.End reason) {
    if (!table.remove(session)) {
      return Optional.empty();
    }
    SessionReport report;
    try {
      report = session.close().get(MediaRelay.LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "session " + session.key() + " closed without stats", e);
      report = new SessionReport(LegReport.EMPTY, LegReport.EMPTY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report = new SessionReport(LegReport.EMPTY, LegReport.EMPTY);
    }
    for (Direction side : Direction.values()) {
      release(session.leg(side).ports());
    }
    metrics.ended(reason, report);
    return Optional.of(report);
  }

  /** Closes the sockets of a leg that never became part of a session, and returns its ports. */
  void unbind(MediaSockets.BoundPair pair) {
    pair.rtp().close().awaitUninterruptibly(MediaRelay.LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    pair.rtcp().close().awaitUninterruptibly(MediaRelay.LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    release(pair.ports());
  }

  private void release(PortPair ports) {
    if (!allocator.release(ports)) {
      LOG.log(System.Logger.Level.ERROR, "port pair " + ports + " released twice");
    }
  }
}
