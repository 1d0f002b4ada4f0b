package io.trunkline.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trunkline.relay.control.Component;
import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.ControlReply;
import io.trunkline.relay.control.ControlRequest;
import io.trunkline.relay.control.Direction;
import io.trunkline.relay.control.LegReport;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayHealth;
import io.trunkline.relay.control.SessionReport;
import io.trunkline.relay.media.MediaHandler;
import io.trunkline.relay.media.MediaSockets;
import io.trunkline.relay.media.MediaUnavailableException;
import io.trunkline.relay.ops.RelayMetrics;
import io.trunkline.relay.port.PortAllocator;
import io.trunkline.relay.port.PortPair;
import io.trunkline.relay.session.Leg;
import io.trunkline.relay.session.RelaySession;
import io.trunkline.relay.session.SessionKey;
import io.trunkline.relay.session.SessionTable;
import io.trunkline.relay.session.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The media relay engine: sessions of two legs on ports from the configured range, the control
 * protocol the proxy drives them with, idle reaping and metrics. Plain Java and Netty; the pods'
 * {@link RelayMain} and the standalone edge both start it.
 *
 * <p>Control requests and reaping run on one control thread, so session changes are ordered without
 * locks on the packet path; media runs on the event loops, one loop per session.
 */
public final class MediaRelay implements AutoCloseable {

  /** Idle timeouts are tens of seconds; a sweep a second makes reaping at most a second late. */
  private static final long REAP_INTERVAL_MILLIS = 1000;

  /** A session's loop answers in microseconds; this bounds a stuck loop, not a normal wait. */
  private static final long LOOP_TIMEOUT_SECONDS = 5;

  private static final System.Logger LOG = System.getLogger(MediaRelay.class.getName());

  private final RelayConfig config;
  private final Ticker ticker;
  private final EventLoopGroup group;
  private final ScheduledExecutorService controlThread;
  private final PortAllocator allocator;
  private final SessionTable table;
  private final RelayMetrics metrics;
  private final MediaSockets sockets;
  private ControlServer controlServer;
  private volatile boolean running;
  private volatile boolean draining;
  private boolean closed;

  private MediaRelay(
      RelayConfig config,
      MeterRegistry registry,
      Ticker ticker,
      EventLoopGroup group,
      boolean epoll) {
    this.config = config;
    this.ticker = ticker;
    this.group = group;
    this.allocator = new PortAllocator(config.portMin(), config.portMax());
    this.table = new SessionTable(config.maxSessions());
    this.metrics = new RelayMetrics(registry, config.trunk(), table::size, allocator::portsInUse);
    this.sockets = new MediaSockets(epoll, config.mediaBindAddress(), config.dscp(), allocator);
    // Last, so that nothing above can fail after the thread exists.
    this.controlThread =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("relay-control"));
  }

  /** Starts a relay on the system clock. */
  public static MediaRelay start(RelayConfig config, MeterRegistry registry)
      throws InterruptedException {
    return start(config, registry, Ticker.system());
  }

  /**
   * Starts a relay: binds the control socket and begins reaping idle sessions.
   *
   * @param ticker the clock of packet arrivals and idleness; tests move it instead of sleeping
   */
  public static MediaRelay start(RelayConfig config, MeterRegistry registry, Ticker ticker)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    // One loop per core: a loop is a core's worth of packet work, and more loops only add switches.
    int loops = Runtime.getRuntime().availableProcessors();
    DefaultThreadFactory threads = new DefaultThreadFactory("relay-media");
    EventLoopGroup group =
        epoll ? new EpollEventLoopGroup(loops, threads) : new NioEventLoopGroup(loops, threads);
    MediaRelay relay;
    try {
      relay = new MediaRelay(config, registry, ticker, group, epoll);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    try {
      relay.controlServer =
          ControlServer.start(
              config.controlAddress(),
              group,
              epoll,
              relay.controlThread,
              relay::handle,
              relay.metrics,
              ticker);
    } catch (InterruptedException | RuntimeException e) {
      relay.close();
      throw e;
    }
    relay.controlThread.scheduleWithFixedDelay(
        relay::reapIdle, REAP_INTERVAL_MILLIS, REAP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    relay.running = true;
    LOG.log(
        System.Logger.Level.INFO,
        "media relay for trunk {0} in zone {1}: control on udp {2}, media on {3} ports {4}-{5}"
            + " advertised as {6}, DSCP {7}",
        config.trunk(),
        config.zone(),
        relay.controlAddress(),
        config.mediaBindAddress().getHostAddress(),
        Integer.toString(config.portMin()),
        Integer.toString(config.portMax()),
        config.advertisedAddress().getHostAddress(),
        config.dscp());
    return relay;
  }

  public InetSocketAddress controlAddress() {
    return controlServer.address();
  }

  public RelayConfig config() {
    return config;
  }

  /** Whether the relay takes new sessions: what the readiness probe reports. */
  public boolean ready() {
    return running && !draining;
  }

  /**
   * Stops taking new sessions (readiness false, new offers refused so proxies move them to another
   * relay) and waits until the live ones have ended or {@code limit} passed: a relay rollout or
   * scale-down then cuts no call's media.
   */
  public void drain(Duration limit) throws InterruptedException {
    draining = true;
    long end = System.nanoTime() + limit.toNanos();
    while (sessions() > 0 && System.nanoTime() - end < 0) {
      Thread.sleep(500);
    }
  }

  public int sessions() {
    return table.size();
  }

  public int portsInUse() {
    return allocator.portsInUse();
  }

  /** Ends every session, then stops the control socket and the loops. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return; // closing twice (a test's finally, a shutdown hook) is harmless
      }
      closed = true;
    }
    running = false;
    if (controlServer != null) {
      controlServer.close();
    }
    try {
      controlThread.submit(() -> table.sessions().forEach(s -> end(s, RelayMetrics.End.SHUTDOWN)));
    } catch (RejectedExecutionException alreadyClosed) {
      return;
    }
    controlThread.shutdown();
    try {
      if (!controlThread.awaitTermination(LOOP_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS)) {
        controlThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      controlThread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    metrics.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private ControlReply handle(ControlRequest request) {
    if (request instanceof ControlRequest.Offer offer) {
      return offer(offer);
    }
    if (request instanceof ControlRequest.Answer answer) {
      return answer(answer);
    }
    if (request instanceof ControlRequest.Delete delete) {
      return delete(delete);
    }
    return new ControlReply.Pong(
        request.cookie(),
        new RelayHealth(
            config.zone(),
            config.trunk(),
            table.size(),
            table.maxSessions(),
            allocator.pairsFree()));
  }

  /**
   * Allocates both legs for a new call, or, for a known one (a retransmission or a re-INVITE),
   * takes the offerer's possibly new address and returns the same ports.
   */
  private ControlReply offer(ControlRequest.Offer offer) {
    Optional<SessionTable.Match> known = table.find(offer.callId(), offer.fromTag());
    if (known.isPresent()) {
      RelaySession session = known.get().session();
      Direction offerer = known.get().side();
      signal(session, offerer, offer.media());
      session.touch(ticker.nanos());
      return media(offer.cookie(), session.leg(offerer.other()));
    }
    if (draining) {
      metrics.refused(RelayMetrics.Refusal.SESSIONS);
      return new ControlReply.Error(
          offer.cookie(), ControlError.MAX_SESSIONS, "relay is draining: no new sessions");
    }
    if (table.full()) {
      metrics.refused(RelayMetrics.Refusal.SESSIONS);
      return new ControlReply.Error(
          offer.cookie(),
          ControlError.MAX_SESSIONS,
          "relay holds its maximum of " + table.maxSessions() + " sessions");
    }
    EventLoop loop = group.next();
    MediaSockets.BoundPair callerPair;
    MediaSockets.BoundPair calleePair;
    try {
      callerPair = sockets.bind(loop);
      try {
        calleePair = sockets.bind(loop);
      } catch (MediaUnavailableException | InterruptedException e) {
        unbind(callerPair);
        throw e;
      }
    } catch (MediaUnavailableException e) {
      boolean exhausted = e.reason() == MediaUnavailableException.Reason.PORTS_EXHAUSTED;
      metrics.refused(exhausted ? RelayMetrics.Refusal.PORTS : RelayMetrics.Refusal.BIND);
      LOG.log(System.Logger.Level.WARNING, "offer for " + offer.callId() + ": " + e.getMessage());
      return new ControlReply.Error(
          offer.cookie(),
          exhausted ? ControlError.PORTS_EXHAUSTED : ControlError.BIND_FAILED,
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ControlReply.Error(offer.cookie(), ControlError.BIND_FAILED, "relay stopping");
    }
    Leg caller =
        new Leg(callerPair.ports(), callerPair.rtp(), callerPair.rtcp(), config.strictSource());
    Leg callee =
        new Leg(calleePair.ports(), calleePair.rtp(), calleePair.rtcp(), config.strictSource());
    RelaySession session =
        new RelaySession(
            new SessionKey(offer.callId(), offer.fromTag()), caller, callee, loop, ticker.nanos());
    if (!table.add(session)) {
      // Unreachable while the control thread is the only writer; never leak the ports if not.
      unbind(callerPair);
      unbind(calleePair);
      return new ControlReply.Error(
          offer.cookie(), ControlError.MAX_SESSIONS, "session table refused " + session.key());
    }
    signal(session, Direction.CALLER, offer.media());
    for (Leg from : new Leg[] {caller, callee}) {
      Leg to = from == caller ? callee : caller;
      for (Component component : Component.values()) {
        from.channel(component)
            .pipeline()
            .addLast(new MediaHandler(session, from, to, component, ticker, metrics));
        from.channel(component).config().setAutoRead(true);
      }
    }
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            "session "
                + session.key()
                + ": caller leg "
                + caller.ports().rtp()
                + ", callee leg "
                + callee.ports().rtp());
    return media(offer.cookie(), callee);
  }

  /** Completes a session with the answerer's address; returns where the offerer must send. */
  private ControlReply answer(ControlRequest.Answer answer) {
    Optional<SessionTable.Match> known = table.find(answer.callId(), answer.fromTag());
    if (known.isEmpty()) {
      return unknown(answer.cookie(), answer.callId(), answer.fromTag());
    }
    RelaySession session = known.get().session();
    Direction offerer = known.get().side();
    if (offerer == Direction.CALLER) {
      table.calleeTag(session, answer.toTag());
    }
    signal(session, offerer.other(), answer.media());
    session.touch(ticker.nanos());
    return media(answer.cookie(), session.leg(offerer));
  }

  private ControlReply delete(ControlRequest.Delete delete) {
    Optional<SessionTable.Match> known = table.find(delete.callId(), delete.fromTag());
    if (known.isEmpty()) {
      return unknown(delete.cookie(), delete.callId(), delete.fromTag());
    }
    SessionReport report =
        end(known.get().session(), RelayMetrics.End.DELETED)
            .orElseThrow(() -> new IllegalStateException("session ended twice"));
    return new ControlReply.Statistics(delete.cookie(), report);
  }

  private void reapIdle() {
    try {
      long now = ticker.nanos();
      for (RelaySession session : table.idle(now, config.idleTimeout().toNanos())) {
        end(session, RelayMetrics.End.IDLE)
            .ifPresent(
                report ->
                    LOG.log(
                        System.Logger.Level.INFO,
                        "session {0} reaped after {1} s without media: caller {2}, callee {3}",
                        session.key(),
                        config.idleTimeout().toSeconds(),
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
   */
  private Optional<SessionReport> end(RelaySession session, RelayMetrics.End reason) {
    if (!table.remove(session)) {
      return Optional.empty();
    }
    SessionReport report;
    try {
      report = session.close().get(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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

  /** Waits, bounded, until the session's loop has the new address (see RelaySession#signal). */
  private void signal(RelaySession session, Direction side, MediaEndpoint endpoint) {
    try {
      session.signal(side, endpoint).get(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "session " + session.key() + ": " + side + " " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void unbind(MediaSockets.BoundPair pair) {
    pair.rtp().close().awaitUninterruptibly(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    pair.rtcp().close().awaitUninterruptibly(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    release(pair.ports());
  }

  private void release(PortPair ports) {
    if (!allocator.release(ports)) {
      LOG.log(System.Logger.Level.ERROR, "port pair " + ports + " released twice");
    }
  }

  private ControlReply.Media media(String cookie, Leg leg) {
    PortPair ports = leg.ports();
    return new ControlReply.Media(
        cookie,
        new MediaEndpoint(
            new InetSocketAddress(config.advertisedAddress(), ports.rtp()),
            new InetSocketAddress(config.advertisedAddress(), ports.rtcp())));
  }

  private static ControlReply unknown(String cookie, String callId, String tag) {
    return new ControlReply.Error(
        cookie, ControlError.UNKNOWN_SESSION, "no session for Call-ID " + callId + " tag " + tag);
  }
}
