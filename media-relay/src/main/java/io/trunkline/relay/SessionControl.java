package io.trunkline.relay;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.trunkline.relay.control.Component;
import io.trunkline.relay.control.ControlCodec;
import io.trunkline.relay.control.ControlError;
import io.trunkline.relay.control.ControlReply;
import io.trunkline.relay.control.ControlRequest;
import io.trunkline.relay.control.Direction;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The relay's answers to the control protocol: an offer opens a session of two legs (or updates a
 * known one), an answer completes it, a delete ends it with its statistics, a ping reports health,
 * a silent lists the sessions gone quiet. Runs on the relay's single control thread, so sessions
 * change in request order.
 */
final class SessionControl implements ControlRequestHandler {

  private static final System.Logger LOG = System.getLogger(SessionControl.class.getName());

  private final RelayConfig config;
  private final Ticker ticker;
  private final EventLoopGroup group;
  private final PortAllocator allocator;
  private final SessionTable table;
  private final RelayMetrics metrics;
  private final MediaSockets sockets;
  private final SessionTeardown teardown;
  private final ControlCodec codec = new ControlCodec();
  private volatile boolean draining;

  SessionControl(
      RelayConfig config,
      Ticker ticker,
      EventLoopGroup group,
      PortAllocator allocator,
      SessionTable table,
      RelayMetrics metrics,
      MediaSockets sockets,
      SessionTeardown teardown) {
    this.config = config;
    this.ticker = ticker;
    this.group = group;
    this.allocator = allocator;
    this.table = table;
    this.metrics = metrics;
    this.sockets = sockets;
    this.teardown = teardown;
  }

  /** Refuses new sessions from now on; known ones still get their offers, answers and deletes. */
  void drain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  @Override
  public ControlReply handle(ControlRequest request) {
    if (request instanceof ControlRequest.Offer offer) {
      return offer(offer);
    }
    if (request instanceof ControlRequest.Answer answer) {
      return answer(answer);
    }
    if (request instanceof ControlRequest.Delete delete) {
      return delete(delete);
    }
    if (request instanceof ControlRequest.Silent silent) {
      return silent(silent);
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
        teardown.unbind(callerPair);
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
      teardown.unbind(callerPair);
      teardown.unbind(calleePair);
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
        teardown
            .end(known.get().session(), RelayMetrics.End.DELETED)
            .orElseThrow(() -> new IllegalStateException("session ended twice"));
    return new ControlReply.Statistics(delete.cookie(), report);
  }

  /**
   * The sessions without a packet from either party, or an offer or answer, for the silence asked
   * about; the proxy that holds such a call ends it (docs/decisions/0009). The most recently silent
   * come first, so held calls, quiet for long, cannot crowd out calls that just went dead.
   */
  private ControlReply silent(ControlRequest.Silent request) {
    long now = ticker.nanos();
    List<Quiet> quiet = new ArrayList<>();
    for (RelaySession session : table.idle(now, TimeUnit.SECONDS.toNanos(request.seconds()))) {
      // Read once: packets keep moving the clock, and a sort must see fixed keys.
      quiet.add(new Quiet(session.key().callId(), session.idleNanos(now)));
    }
    quiet.sort(Comparator.comparingLong(Quiet::nanos));
    return codec.silentReply(request.cookie(), quiet.stream().map(Quiet::callId).toList());
  }

  private record Quiet(String callId, long nanos) {}

  /** Waits, bounded, until the session's loop has the new address (see RelaySession#signal). */
  private void signal(RelaySession session, Direction side, MediaEndpoint endpoint) {
    try {
      session.signal(side, endpoint).get(MediaRelay.LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "session " + session.key() + ": " + side + " " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
