package io.trunkline.sip.proxy;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.auth.Authenticator;
import io.trunkline.sip.auth.NonceFactory;
import io.trunkline.sip.config.ServedTrunks;
import io.trunkline.sip.config.Snapshot;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.health.OptionsProbe;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.pool.PoolState;
import io.trunkline.sip.quota.Admission;
import io.trunkline.sip.quota.RegisterRateLimiter;
import io.trunkline.sip.registrar.LocationStore;
import io.trunkline.sip.registrar.Registrar;
import io.trunkline.sip.routing.TargetResolver;
import io.trunkline.sip.transaction.Scheduler;
import io.trunkline.sip.transaction.ServerTransaction;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transaction.TransactionTimers;
import io.trunkline.sip.transport.CallWorkers;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipMessageHandler;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.SipServer;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A transaction-stateful SIP proxy for one trunk (RFC 3261 §16), as a dispatcher: each request
 * passes the checks every request meets (Max-Forwards, loops, banned sources, save an emergency
 * call from where the trunk's callers are: {@link EmergencyCallers}), then goes to the stage its
 * method and dialog name: the {@link Registrar}, {@link CallSetup} for a new call, the {@link
 * InDialogForwarder} inside one. Every message of a Call-ID is handled on that Call-ID's worker
 * ({@link CallWorkers}), whichever transport brought it. docs/data-plane.md follows an INVITE, a
 * re-INVITE, a BYE and a REGISTER through the stages.
 */
public final class SipProxy implements SipMessageHandler, AutoCloseable {

  /**
   * The address this proxy's peers reach it at, written into Via and Record-Route (a Service or
   * node address in a cluster, never a pod's own), and the ports it listens on.
   */
  public record Settings(String advertisedHost, int port, int tlsPort) {}

  /** A proxy with its transports, started together. */
  public record Running(SipServer server, SipProxy proxy) {}

  private static final Duration DRAIN_POLL = Duration.ofMillis(200);
  private static final Duration DRAIN_BYES = Duration.ofSeconds(2);

  private final ServedTrunks trunks;
  private final ProxyMetrics metrics;
  private final TransactionLayer transactions;
  private final RequestForwarder requests;
  private final Authenticator authenticator;
  private final Admission admission;
  private final Registrar registrar;
  private final CallSetup calls;
  private final InDialogForwarder inDialog;
  private final Dialogs dialogs = new Dialogs();
  private final CarrierProber prober;
  private final MediaAnchor media;
  private final Housekeeping housekeeping;
  private final PoolState pool;
  private final Ownership ownership;
  private final DialogEnder ender;
  private final EmergencyCallers emergencyCallers;

  public SipProxy(
      Supplier<Snapshot> snapshots,
      Settings settings,
      SipSender sender,
      CallWorkers workers,
      PoolState pool,
      ProxyMetrics metrics,
      MediaAnchor media,
      Clock clock) {
    this.pool = pool;
    Admission admission = new Admission(pool.quota(), pool.replica());
    LocationStore locations = pool.locations();
    this.trunks =
        new ServedTrunks(
            snapshots,
            trunk ->
                metrics.lineSessions(
                    trunk.config().lines().stream().map(Line::name).toList(),
                    admission,
                    Admission::lineInUse));
    this.metrics = metrics;
    this.media = media;
    this.admission = admission;
    this.transactions =
        new TransactionLayer(sender, TransactionTimers.RFC_3261, Scheduler.wheel(workers::of));
    HandOverSeal seal = new HandOverSeal(pool.nonceKey(), clock);
    this.requests = new RequestForwarder(settings, sender, pool.members(), seal);
    this.ownership = new Ownership(pool.members(), seal, requests, transactions, dialogs);
    this.authenticator =
        new Authenticator(
            new NonceFactory(pool.nonceKey(), clock, Duration.ofMinutes(5)), pool.bans(), metrics);
    this.prober =
        new CarrierProber(
            new OptionsProbe(
                transactions,
                trunks,
                settings.advertisedHost(),
                settings.port(),
                settings.tlsPort()),
            metrics,
            clock);
    this.registrar =
        new Registrar(
            authenticator,
            locations,
            new RegisterRateLimiter(System::nanoTime, new Random()),
            metrics,
            clock,
            new Random());
    this.emergencyCallers = new EmergencyCallers(locations, clock);
    Forwarding forwarding =
        new Forwarding(requests, transactions, dialogs, media, prober, workers, metrics, clock);
    this.calls =
        new CallSetup(
            forwarding,
            authenticator,
            admission,
            new TargetResolver(locations, prober::isUp, clock));
    this.inDialog = new InDialogForwarder(forwarding, sender);
    this.ender = new DialogEnder(forwarding);
    this.housekeeping =
        new Housekeeping(trunks, authenticator, dialogs, ender, media, prober, metrics, clock);
    if (pool.store() != null) {
      metrics.store(pool.store());
    }
    metrics.pool(pool.members());
    metrics.sessions(
        this,
        proxy -> proxy.channelsInUse(),
        proxy -> proxy.trunks.get().config().quota().channels());
  }

  /**
   * Binds the transports and starts a proxy on them, counting and registering in {@code pool}: the
   * shape of both a pod and the standalone edge.
   */
  public static Running serve(
      SipServer.Settings transports,
      Supplier<Snapshot> snapshots,
      Settings settings,
      PoolState pool,
      ProxyMetrics metrics,
      MediaAnchor media)
      throws InterruptedException {
    SipProxy[] proxy = new SipProxy[1];
    SipServer server =
        SipServer.start(
            transports,
            (sender, workers) ->
                proxy[0] =
                    new SipProxy(
                        snapshots,
                        settings,
                        sender,
                        workers,
                        pool,
                        metrics,
                        media,
                        Clock.systemUTC()));
    metrics.transport(server.stats());
    proxy[0].start();
    return new Running(server, proxy[0]);
  }

  /** Starts the chores; call once the transports listen, since the first probes go out at once. */
  public void start() {
    housekeeping.start();
  }

  @Override
  public void handle(InboundMessage inbound) {
    SIPMessage message = inbound.message();
    if (message instanceof SIPResponse response) {
      if (!transactions.respond(response) && !requests.forwardStray(response)) {
        metrics.strayResponse();
      }
      return;
    }
    SIPRequest request = (SIPRequest) message;
    RequestForwarder.markReceived(request.getTopmostVia(), inbound.remote());
    Members members = pool.members();
    // A request from another proxy of the pool was handed over by the one that received it.
    boolean handedOver = members.isPeer(inbound.remote());
    if (!handedOver
        && inbound.transport() == Transport.UDP
        && RequestForwarder.handedOverBy(request, inbound.remote())) {
      // From a member not found yet: its seal says so; without one (a pool sharing no key) the
      // request is not served as a stranger's (its sender would be a pod, not the caller) until
      // a look-up says whether it is a member: dropped meanwhile, counted.
      handedOver = ownership.sealedByMember(request);
      if (handedOver) {
        metrics.sealedHandOver();
      } else if (members.mayBeNewMember(inbound.remote())) {
        metrics.unknownMember();
        return;
      }
    }
    InetSocketAddress owner =
        handedOver
            ? ownership.ownerWhileLeaving(request, inbound.remote())
            : inbound.transport() == Transport.UDP && members.pooled()
                ? ownership.ownerElsewhere(request)
                : null;
    if (owner != null) {
      requests.handOver(request, owner);
      metrics.handedOver();
      return;
    }
    if (handedOver) {
      // Served here, with the sender the receiving proxy saw.
      inbound = inbound.handedOverFor(ownership.sender(request, inbound.remote()));
    }
    TransactionLayer.Arrival arrival = transactions.arrive(inbound);
    if (arrival instanceof TransactionLayer.Arrival.Fresh fresh) {
      dispatch(fresh.transaction());
    } else if (arrival instanceof TransactionLayer.Arrival.Stateless) {
      inDialog.forwardAck(inbound);
    }
  }

  private void dispatch(ServerTransaction tx) {
    SIPRequest request = tx.request();
    String method = request.getMethod();
    // §16.3 step 2: a scheme the proxy cannot route on (RFC 4475 §3.3.2, §3.3.3); never the To.
    if (!(request.getRequestURI() instanceof SipUri)) {
      tx.respond(Responses.of(request, Response.UNSUPPORTED_URI_SCHEME, null));
      return;
    }
    MaxForwardsHeader maxForwards = request.getMaxForwards();
    if (maxForwards != null
        && maxForwards.getMaxForwards() <= 0
        && !Request.OPTIONS.equals(method)) {
      tx.respond(Responses.of(request, Response.TOO_MANY_HOPS, null));
      return;
    }
    if (requests.looped(request)) {
      tx.respond(Responses.of(request, Response.LOOP_DETECTED, null));
      return;
    }
    boolean inDialog = request.getToTag() != null;
    // §16.3 step 5: this proxy supports no extension (RFC 4475 §3.3.5). Require asks the same of
    // it for the requests it answers itself as a UAS (§8.2.2.3), never for CANCEL.
    SIPResponse unsupported = Responses.badExtension(request, ProxyRequireHeader.NAME);
    if (unsupported == null
        && (Request.REGISTER.equals(method) || (Request.OPTIONS.equals(method) && !inDialog))) {
      unsupported = Responses.badExtension(request, RequireHeader.NAME);
    }
    if (unsupported != null) {
      tx.respond(unsupported);
      return;
    }
    if (!inDialog
        && (Request.INVITE.equals(method) || Request.REGISTER.equals(method))
        && authenticator.banned(tx.inbound().origin().getAddress())
        && !(Request.INVITE.equals(method)
            && emergencyCallers.heardDespiteBan(
                trunks.get(), request, tx.inbound().origin().getAddress()))) {
      CallSetup.refuse(
          tx,
          Refusal.of(Response.FORBIDDEN, "Too Many Failed Attempts", RejectReason.AUTH),
          metrics);
    } else if (Request.CANCEL.equals(method)) {
      calls.cancel(tx, transactions);
    } else if (inDialog) {
      this.inDialog.forward(tx);
    } else if (Request.REGISTER.equals(method)) {
      registrar.register(tx, trunks.get());
    } else if (Request.OPTIONS.equals(method)) {
      tx.respond(Responses.options(request));
    } else if (Request.INVITE.equals(method)) {
      calls.invite(tx, trunks.get());
    } else {
      tx.respond(Responses.methodNotAllowed(request));
    }
  }

  /**
   * Takes no new call from now on (a draining proxy): new INVITEs go to the pool's other members,
   * when it has some; calls up go on here.
   */
  public void leave() {
    pool.members().leave();
  }

  /**
   * Drains this proxy, as SIGTERM asks of a pod (a scale-down, a rolling upgrade): it takes no new
   * call ({@link #leave}), lets its calls end until {@code bound}, then ends those still up with a
   * BYE to both parties, never cutting one silently. Returns how many it ended so.
   */
  public int drain(Duration bound) throws InterruptedException {
    leave();
    long end = System.nanoTime() + bound.toNanos();
    // The others may hand it new calls until they notice it left; it passes them on till then.
    long linger =
        System.nanoTime() + Math.min(pool.members().leaveNoticed().toNanos(), bound.toNanos());
    while ((channelsInUse() > 0 || System.nanoTime() < linger) && System.nanoTime() < end) {
      Thread.sleep(DRAIN_POLL.toMillis());
    }
    var up = dialogs.all();
    up.forEach(dialog -> ender.end(dialog, DialogEnder.DRAIN));
    // The BYEs leave on the calls' workers; give them the time of their first retransmissions.
    long sent = System.nanoTime() + DRAIN_BYES.toNanos();
    while (!up.isEmpty() && System.nanoTime() < sent && transactions.size() > 0) {
      Thread.sleep(DRAIN_POLL.toMillis());
    }
    return up.size();
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  /** Answered calls not yet ended (calls being set up hold channels: {@link #channelsInUse}). */
  public int activeDialogs() {
    return dialogs.size();
  }

  /** Channels of the trunk held by calls being set up or answered. */
  public int channelsInUse() {
    return admission.trunkInUse(trunks.get().name());
  }

  MediaAnchor media() {
    return media;
  }

  public boolean carrierUp(String carrier) {
    return prober.isUp(carrier);
  }

  @Override
  public void close() {
    housekeeping.close();
    transactions.close();
    media.close();
    pool.close();
  }
}
