package io.trunkline.sip.proxy;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.sip.auth.DigestCredentials;
import io.trunkline.sip.auth.DigestVerifier;
import io.trunkline.sip.auth.NonceFactory;
import io.trunkline.sip.auth.SourceBans;
import io.trunkline.sip.config.Snapshot;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.message.ParseResult;
import io.trunkline.sip.message.SipParser;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.CallRateLimiter;
import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import io.trunkline.sip.registrar.Binding;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.registrar.LocationStore;
import io.trunkline.sip.routing.Destination;
import io.trunkline.sip.routing.RouteDecision;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transaction.ServerTransaction;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transaction.TransactionTimers;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipMessageHandler;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.SipServer;
import io.trunkline.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.TooManyHopsException;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A transaction-stateful SIP proxy for one trunk (RFC 3261 §16): registrar and digest
 * authentication for its lines and PBX, routing by RoutePolicy, channel and call-rate quotas,
 * carrier failover on probes, timeouts and 5xx, Record-Route and loose routing, and dialogs tracked
 * from 2xx to BYE so channels come back even when the BYE never does.
 */
public final class SipProxy implements SipMessageHandler, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SipProxy.class.getName());

  /** What OPTIONS answers list (RFC 3261 §20.5); other in-dialog methods are forwarded too. */
  static final List<String> ALLOW =
      List.of(
          Request.INVITE,
          Request.ACK,
          Request.BYE,
          Request.CANCEL,
          Request.OPTIONS,
          Request.REGISTER);

  /** Branches of this proxy: the magic cookie, then a mark to recognise its own (§16.6 step 8). */
  private static final String BRANCH_PREFIX = TransactionLayer.MAGIC_COOKIE + "tl";

  private static final int MIN_EXPIRES = 60;
  private static final int MAX_EXPIRES = 3600;
  private static final int DEFAULT_EXPIRES = 3600;
  private static final int DEFAULT_MAX_FORWARDS = 70;

  static final HeaderFactoryImpl HEADERS = new HeaderFactoryImpl();
  private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

  /**
   * The address this proxy's peers reach it at, written into Via and Record-Route (a Service or
   * node address in a cluster, never a pod's own), and the ports it listens on.
   */
  public record Settings(String advertisedHost, int port, int tlsPort) {}

  private final Supplier<Snapshot> snapshots;
  private final SipSender sender;
  private final Settings settings;
  private final Clock clock;
  private final TransactionLayer transactions;
  private final LocationStore locations;
  private final ChannelQuota quota;
  private final ProxyMetrics metrics;
  private final NonceFactory nonces;
  private final CarrierProber prober;
  private final SourceBans bans;
  private final SipParser parser = new SipParser();
  private final Dialogs dialogs = new Dialogs();
  private final MediaAnchor media;
  private final Map<ServerTransaction, ProxyCall> calls = new ConcurrentHashMap<>();
  private final ScheduledExecutorService housekeeping;
  private volatile ServedTrunk served;
  private volatile CallRateLimiter rate;
  private volatile Instant lastProbe = Instant.EPOCH;

  public SipProxy(
      Supplier<Snapshot> snapshots,
      Settings settings,
      SipSender sender,
      LocationStore locations,
      ChannelQuota quota,
      ProxyMetrics metrics,
      MediaAnchor media,
      Clock clock) {
    this.snapshots = snapshots;
    this.sender = sender;
    this.settings = settings;
    this.clock = clock;
    this.transactions = new TransactionLayer(sender, TransactionTimers.RFC_3261);
    this.locations = locations;
    this.quota = quota;
    this.metrics = metrics;
    this.media = media;
    this.nonces = NonceFactory.random(clock, Duration.ofMinutes(5));
    this.bans = SourceBans.defaults(clock);
    this.prober = new CarrierProber(this::probe, (carrier, up) -> metrics.carrier(carrier, up));
    metrics.sessions(
        this,
        proxy -> proxy.quota.inUse(trunkKey(proxy.trunk().name())),
        proxy -> proxy.trunk().config().quota().channels());
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "sip-proxy-housekeeping");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** A proxy with its transports, started together. */
  public record Running(SipServer server, SipProxy proxy) {}

  /**
   * Binds the transports and starts a proxy on them with one replica's own quota counters and
   * location store: the shape of both a pod and the standalone edge.
   */
  public static Running serve(
      SipServer.Settings transports,
      Supplier<Snapshot> snapshots,
      Settings settings,
      ProxyMetrics metrics,
      MediaAnchor media)
      throws InterruptedException {
    SipProxy[] proxy = new SipProxy[1];
    SipServer server =
        SipServer.start(
            transports,
            sender ->
                proxy[0] =
                    new SipProxy(
                        snapshots,
                        settings,
                        sender,
                        new InMemoryLocationStore(),
                        new InMemoryChannelQuota(),
                        metrics,
                        media,
                        Clock.systemUTC()));
    metrics.transport(server.stats());
    proxy[0].start();
    return new Running(server, proxy[0]);
  }

  /**
   * Starts probing carriers and reaping dialogs; call once the transports are listening, since the
   * first probes go out at once.
   */
  public void start() {
    housekeeping.scheduleWithFixedDelay(this::housekeep, 0, 1, TimeUnit.SECONDS);
  }

  // ---- messages in

  @Override
  public void handle(InboundMessage inbound) {
    SIPMessage message = inbound.message();
    if (message instanceof SIPResponse response) {
      if (!transactions.respond(response)) {
        forwardStray(response);
      }
      return;
    }
    SIPRequest request = (SIPRequest) message;
    markReceived(request.getTopmostVia(), inbound.remote());
    TransactionLayer.Arrival arrival = transactions.arrive(inbound);
    if (arrival instanceof TransactionLayer.Arrival.Fresh fresh) {
      onRequest(fresh.transaction());
    } else if (arrival instanceof TransactionLayer.Arrival.Stateless) {
      forwardAck(inbound);
    }
  }

  private void onRequest(ServerTransaction tx) {
    SIPRequest request = tx.request();
    String method = request.getMethod();
    MaxForwardsHeader maxForwards = request.getMaxForwards();
    if (maxForwards != null
        && maxForwards.getMaxForwards() <= 0
        && !Request.OPTIONS.equals(method)) {
      tx.respond(response(request, Response.TOO_MANY_HOPS, null));
      return;
    }
    if (looped(request)) {
      tx.respond(response(request, Response.LOOP_DETECTED, null));
      return;
    }
    boolean inDialog = request.getToTag() != null;
    if (!inDialog
        && (Request.INVITE.equals(method) || Request.REGISTER.equals(method))
        && bans.banned(tx.inbound().remote().getAddress())) {
      reject(
          tx,
          response(request, Response.FORBIDDEN, "Too Many Failed Attempts"),
          RejectReason.AUTH,
          null);
      return;
    }
    if (Request.CANCEL.equals(method)) {
      onCancel(tx);
    } else if (inDialog) {
      forwardInDialog(tx);
    } else if (Request.REGISTER.equals(method)) {
      register(tx, trunk());
    } else if (Request.OPTIONS.equals(method)) {
      tx.respond(options(request));
    } else if (Request.INVITE.equals(method)) {
      newCall(tx, trunk());
    } else {
      SIPResponse refused = response(request, Response.METHOD_NOT_ALLOWED, null);
      allow(refused);
      tx.respond(refused);
    }
  }

  private void onResponseFromNowhere(SIPResponse response) {
    LOG.log(
        System.Logger.Level.DEBUG,
        "stray response {0} for Call-ID {1}",
        response.getStatusCode(),
        response.getCallId().getCallId());
  }

  /**
   * §16.11 and §18.2.2: a response no transaction knows goes on to the next Via, if ours is on top.
   */
  private void forwardStray(SIPResponse response) {
    Via top = response.getTopmostVia();
    if (top == null
        || !isOurs(top.getHost(), top.getPort(), Transport.of(top.getTransport()))
        || response.getViaHeaders().size() < 2) {
      onResponseFromNowhere(response);
      return;
    }
    response.removeFirst(ViaHeader.NAME);
    Via next = response.getTopmostVia();
    Transport transport = Transport.of(next.getTransport());
    String host = next.getReceived() != null ? next.getReceived() : next.getHost();
    int port =
        next.getRPort() > 0
            ? next.getRPort()
            : next.getPort() > 0 ? next.getPort() : defaultPort(transport);
    resolve(host, port).ifPresent(address -> sender.send(response, transport, address));
  }

  // ---- registrar (RFC 3261 §10.3)

  private void register(ServerTransaction tx, ServedTrunk trunk) {
    SIPRequest request = tx.request();
    String user = userOf(request.getTo().getAddress().getURI());
    Optional<Line> line = trunk.lineByUser(user);
    DigestSecret pbx = trunk.credentials().pbx();
    String key;
    DigestSecret secret;
    if (line.isPresent()) {
      key = lineKey(line.get().name());
      secret = trunk.credentials().lines().get(line.get().username());
    } else if (pbx != null && pbx.username().equals(user)) {
      key = pbxKey();
      secret = pbx;
    } else {
      // §10.3 step 3: an address of record this registrar is not responsible for.
      metrics.reject(RejectReason.AUTH);
      tx.respond(response(request, Response.NOT_FOUND, null));
      return;
    }
    if (!authenticate(tx, trunk, secret, false)) {
      return;
    }
    Instant now = now();
    ContactList contacts = request.getContactHeaders();
    int defaultExpires =
        request.getExpires() != null ? request.getExpires().getExpires() : DEFAULT_EXPIRES;
    List<Binding> changes = new ArrayList<>();
    if (contacts != null) {
      for (Contact contact : contacts) {
        if (contact.isWildCard()) {
          if (defaultExpires != 0 || contacts.size() != 1) {
            tx.respond(response(request, Response.BAD_REQUEST, "Wildcard Needs Expires 0"));
            return;
          }
          locations.clear(key);
          tx.respond(registered(request, List.of(), now));
          return;
        }
        int expires = contact.getExpires() >= 0 ? contact.getExpires() : defaultExpires;
        if (expires > 0 && expires < MIN_EXPIRES) {
          SIPResponse brief = response(request, Response.INTERVAL_TOO_BRIEF, null);
          brief.addHeader(header("Min-Expires", Integer.toString(MIN_EXPIRES)));
          tx.respond(brief);
          return;
        }
        changes.add(
            new Binding(
                contact.getAddress().getURI().toString(),
                tx.inbound().remote(),
                tx.inbound().transport(),
                now.plusSeconds(Math.min(expires, MAX_EXPIRES)),
                request.getCallId().getCallId(),
                request.getCSeq().getSeqNumber()));
      }
    }
    List<Binding> bindings =
        changes.isEmpty() ? locations.lookup(key, now) : locations.update(key, changes, now);
    tx.respond(registered(request, bindings, now));
  }

  private SIPResponse registered(SIPRequest request, List<Binding> bindings, Instant now) {
    SIPResponse ok = response(request, Response.OK, null);
    ok.removeHeader(Contact.NAME);
    for (Binding binding : bindings) {
      try {
        Contact contact =
            (Contact) HEADERS.createContactHeader(ADDRESSES.createAddress(binding.contact()));
        contact.setExpires((int) Math.max(0, Duration.between(now, binding.expires()).toSeconds()));
        ok.addHeader(contact);
      } catch (ParseException e) {
        throw new IllegalStateException("a stored contact parsed once already", e);
      }
    }
    return ok;
  }

  // ---- new calls

  private void newCall(ServerTransaction tx, ServedTrunk trunk) {
    SIPRequest request = tx.request();
    InetAddress source = tx.inbound().remote().getAddress();
    Optional<Carrier> fromCarrier = trunk.carrierAt(source);
    Line callerLine = null;
    if (fromCarrier.isEmpty()) {
      String fromUser = userOf(request.getFrom().getAddress().getURI());
      Optional<Line> line = trunk.lineByUser(fromUser);
      if (line.isPresent()) {
        if (!authenticate(
            tx, trunk, trunk.credentials().lines().get(line.get().username()), true)) {
          return;
        }
        callerLine = line.get();
      } else if (!admitPbx(tx, trunk, source)) {
        return;
      }
    }
    // Counted once the caller is known: a challenged INVITE and its answer are one call.
    metrics.call();
    String user = userOf(request.getRequestURI());
    Optional<String> number = Destination.normalise(user);
    Optional<Line> calleeLine =
        number.flatMap(trunk::lineByNumber).or(() -> trunk.lineByUser(user));

    if (!rate(trunk).tryAdmit()) {
      reject(
          tx,
          withRetryAfter(response(request, Response.SERVICE_UNAVAILABLE, "Call Rate Exceeded"), 1),
          RejectReason.CPS,
          null);
      return;
    }
    Leases leases = new Leases(quota);
    if (!leases.take(trunkKey(trunk.name()), trunk.config().quota().channels())) {
      reject(
          tx,
          withRetryAfter(
              response(request, Response.SERVICE_UNAVAILABLE, "Trunk Channels In Use"), 5),
          RejectReason.QUOTA,
          leases);
      return;
    }
    if (callerLine != null && !leases.take(lineKey(callerLine.name()), callerLine.channels())) {
      reject(tx, response(request, Response.BUSY_HERE, null), RejectReason.BUSY, leases);
      return;
    }
    List<List<CallTarget>> groups;
    if (calleeLine.isPresent()) {
      Line line = calleeLine.get();
      if (!leases.take(lineKey(line.name()), line.channels())) {
        reject(tx, response(request, Response.BUSY_HERE, null), RejectReason.BUSY, leases);
        return;
      }
      groups = contacts(lineKey(line.name()));
      if (groups.isEmpty()) {
        reject(
            tx,
            response(request, Response.TEMPORARILY_UNAVAILABLE, "Not Registered"),
            RejectReason.UNAVAILABLE,
            leases);
        return;
      }
    } else if (fromCarrier.isPresent()) {
      groups = toPbx(request.getRequestURI());
      if (groups.isEmpty()) {
        reject(tx, response(request, Response.NOT_FOUND, null), RejectReason.NO_ROUTE, leases);
        return;
      }
    } else if (number.isEmpty()) {
      reject(tx, response(request, Response.NOT_FOUND, null), RejectReason.NO_ROUTE, leases);
      return;
    } else {
      RouteDecision decision =
          trunk
              .routes()
              .decide(
                  number.get(),
                  callerLine == null ? null : callerLine.name(),
                  now(),
                  prober::isUp,
                  ThreadLocalRandom.current());
      if (decision instanceof RouteDecision.Reject refused) {
        reject(
            tx,
            response(request, refused.status(), refused.reason()),
            RejectReason.BLOCKED,
            leases);
        return;
      }
      if (!(decision instanceof RouteDecision.Forward forward)) {
        reject(tx, response(request, Response.NOT_FOUND, null), RejectReason.NO_ROUTE, leases);
        return;
      }
      groups = toCarriers(trunk, forward.carriers(), number.get());
      if (groups.isEmpty()) {
        reject(
            tx,
            withRetryAfter(
                response(request, Response.SERVICE_UNAVAILABLE, "No Carrier Available"), 5),
            RejectReason.UNAVAILABLE,
            leases);
        return;
      }
    }
    // §16.2: a stateful proxy answers 100 at once so the caller stops retransmitting.
    tx.respond(response(request, Response.TRYING, null));
    String offer = sdp(request);
    if (!trunk.config().media().relay() || offer == null) {
      startCall(tx, trunk, leases, groups, null);
      return;
    }
    media
        .offer(request.getCallId().getCallId(), request.getFromTag(), offer)
        .whenComplete(
            (anchored, failure) -> {
              if (failure == null) {
                startCall(tx, trunk, leases, groups, anchored);
              } else {
                // A call without its media path would be silent: refuse it clearly instead.
                reject(
                    tx,
                    withRetryAfter(
                        response(request, Response.SERVICE_UNAVAILABLE, "Media Relay Unavailable"),
                        5),
                    RejectReason.UNAVAILABLE,
                    leases);
              }
            });
  }

  private void startCall(
      ServerTransaction tx,
      ServedTrunk trunk,
      Leases leases,
      List<List<CallTarget>> groups,
      String offer) {
    ProxyCall call = new ProxyCall(this, tx, trunk, leases, groups, offer);
    calls.put(tx, call);
    call.start();
  }

  /** A PBX is admitted by its source network, its digest credentials, or both when both are set. */
  private boolean admitPbx(ServerTransaction tx, ServedTrunk trunk, InetAddress source) {
    if (!trunk.pbxHasSources() && !trunk.pbxDigest()) {
      reject(
          tx,
          response(tx.request(), Response.FORBIDDEN, "Unknown Caller"),
          RejectReason.AUTH,
          null);
      return false;
    }
    if (trunk.pbxHasSources() && !trunk.pbxAdmits(source)) {
      reject(
          tx,
          response(tx.request(), Response.FORBIDDEN, "Source Not Allowed"),
          RejectReason.AUTH,
          null);
      return false;
    }
    return !trunk.pbxDigest() || authenticate(tx, trunk, trunk.credentials().pbx(), true);
  }

  private List<List<CallTarget>> contacts(String key) {
    List<CallTarget> targets = new ArrayList<>();
    for (Binding binding : locations.lookup(key, now())) {
      try {
        targets.add(
            new CallTarget(
                ADDRESSES.createURI(binding.contact()),
                binding.source(),
                binding.transport(),
                null));
      } catch (ParseException e) {
        LOG.log(System.Logger.Level.WARNING, "unusable contact {0}", binding.contact());
      }
    }
    return targets.isEmpty() ? List.of() : List.of(targets);
  }

  private List<List<CallTarget>> toPbx(URI requestUri) {
    List<List<CallTarget>> registered = contacts(pbxKey());
    if (!registered.isEmpty()) {
      return registered;
    }
    return trunk()
        .pbxHost()
        .map(
            address ->
                List.of(
                    List.of(
                        new CallTarget(
                            withHost(requestUri, address), address, Transport.UDP, null))))
        .orElse(List.of());
  }

  private static List<List<CallTarget>> toCarriers(
      ServedTrunk trunk, List<Carrier> carriers, String number) {
    List<List<CallTarget>> groups = new ArrayList<>();
    for (Carrier carrier : carriers) {
      trunk
          .carrierAddress(carrier.name())
          .ifPresent(
              address -> {
                try {
                  SipUri uri = (SipUri) ADDRESSES.createSipURI(number, carrier.host());
                  uri.setPort(carrier.port());
                  Transport transport = ServedTrunk.transportOf(carrier);
                  if (transport != Transport.UDP) {
                    uri.setTransportParam(transport.uriParameter());
                  }
                  // RFC 3966 §5.1.4 and RFC 3261 §19.1.6: a telephone number in a SIP URI.
                  uri.setUserParam("phone");
                  groups.add(List.of(new CallTarget(uri, address, transport, carrier)));
                } catch (ParseException e) {
                  throw new IllegalStateException("compiled carriers have valid hosts", e);
                }
              });
    }
    return groups;
  }

  private void onCancel(ServerTransaction tx) {
    ServerTransaction invite = transactions.inviteFor(tx.request());
    ProxyCall call = invite == null ? null : calls.get(invite);
    if (call == null) {
      tx.respond(response(tx.request(), Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
      return;
    }
    // §16.10: answer the CANCEL at once, then cancel the branches.
    tx.respond(response(tx.request(), Response.OK, null));
    call.cancel();
  }

  // ---- in-dialog requests (§16.4 loose routing, §16.12)

  private void forwardInDialog(ServerTransaction tx) {
    SIPRequest request = tx.request();
    String callId = request.getCallId().getCallId();
    Dialog dialog = dialogs.get(callId);
    if (Request.BYE.equals(request.getMethod()) && dialogs.end(callId) != null) {
      media.release(callId, request.getFromTag());
    }
    SIPRequest forwarded = forwardedRequest(request, null, false);
    Hop hop = nextHop(forwarded, dialog, request.getFromTag());
    if (hop == null) {
      tx.respond(response(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
      return;
    }
    long offset =
        dialog != null && dialog.fromCaller(request.getFromTag()) ? dialog.cseqOffset() : 0;
    shiftCseq(forwarded, offset);
    setVia(forwarded, hop.transport(), branch(request, 0));
    // A re-INVITE or UPDATE with SDP moves the media (hold, resume, a new codec): through the
    // call's relay again, offer on the way out and answer on the way back (RFC 3264 §8).
    String offer = media.anchored(callId) ? sdp(request) : null;
    ClientTransaction.Listener listener =
        new ClientTransaction.Listener() {
          @Override
          public void onResponse(ClientTransaction transaction, SIPResponse response) {
            if (response.getStatusCode() == Response.TRYING) {
              return;
            }
            SIPResponse upstream = (SIPResponse) response.clone();
            upstream.removeFirst(ViaHeader.NAME);
            shiftCseq(upstream, -offset);
            String answer = offer == null ? null : sdp(upstream);
            if (answer == null) {
              tx.respond(upstream);
              return;
            }
            media
                .answer(callId, request.getFromTag(), upstream.getToTag(), answer)
                .whenComplete(
                    (anchored, failure) -> {
                      if (anchored != null) {
                        setSdp(upstream, anchored);
                      }
                      tx.respond(upstream);
                    });
          }

          @Override
          public void onTimeout(ClientTransaction transaction, boolean provisional) {
            if (!provisional) {
              tx.respond(response(request, Response.REQUEST_TIMEOUT, null));
            }
          }
        };
    if (offer == null) {
      transactions.startClient(forwarded, hop.transport(), hop.address(), 0, listener);
      return;
    }
    media
        .offer(callId, request.getFromTag(), offer)
        .whenComplete(
            (anchored, failure) -> {
              if (anchored != null) {
                setSdp(forwarded, anchored);
              }
              transactions.startClient(forwarded, hop.transport(), hop.address(), 0, listener);
            });
  }

  /** The ACK of a 2xx is its own transaction, end to end: forwarded statelessly (§16.11). */
  private void forwardAck(InboundMessage inbound) {
    SIPRequest request = (SIPRequest) inbound.message();
    if (request.getToTag() == null) {
      return; // an ACK for a transaction long gone
    }
    Dialog dialog = dialogs.get(request.getCallId().getCallId());
    SIPRequest forwarded = forwardedRequest(request, null, false);
    Hop hop = nextHop(forwarded, dialog, request.getFromTag());
    if (hop == null) {
      return;
    }
    if (dialog != null && dialog.fromCaller(request.getFromTag())) {
      shiftCseq(forwarded, dialog.cseqOffset());
    }
    // Stateless: the branch is derived from the incoming one, so retransmissions keep it (§16.11).
    setVia(forwarded, hop.transport(), BRANCH_PREFIX + hash(request.getTopmostVia().getBranch()));
    sender.send(forwarded, hop.transport(), hop.address());
  }

  private record Hop(InetSocketAddress address, Transport transport) {}

  /**
   * Within a known dialog the other side is where the dialog says (NAT-safe); otherwise the first
   * Route, else the Request-URI (§16.6 step 7, §16.12).
   */
  private Hop nextHop(SIPRequest forwarded, Dialog dialog, String fromTag) {
    RouteList routes = forwarded.getRouteHeaders();
    if (dialog != null && (routes == null || routes.isEmpty())) {
      return dialog.fromCaller(fromTag)
          ? new Hop(dialog.callee(), dialog.calleeTransport())
          : new Hop(dialog.caller(), dialog.callerTransport());
    }
    URI next =
        routes != null && !routes.isEmpty()
            ? ((Route) routes.getFirst()).getAddress().getURI()
            : forwarded.getRequestURI();
    if (!(next instanceof SipUri uri)) {
      return null;
    }
    Transport transport =
        uri.getTransportParam() != null
            ? Transport.of(uri.getTransportParam())
            : uri.isSecure() ? Transport.TLS : Transport.UDP;
    int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(transport);
    if (isOurs(uri.getHost(), port, transport)) {
      // Addressed to this proxy with no dialog here: nowhere to go but round in a loop.
      return null;
    }
    return resolve(uri.getHost(), port).map(address -> new Hop(address, transport)).orElse(null);
  }

  // ---- building forwarded requests (§16.6)

  /**
   * A copy of {@code request} ready to go on: new Request-URI if given, Max-Forwards decremented,
   * this proxy's Route entries removed, its Record-Route added for initial requests. The caller
   * adds the Via once it knows the transport ({@link #setVia}).
   */
  SIPRequest forwardedRequest(SIPRequest request, URI requestUri, boolean recordRoute) {
    SIPRequest copy = (SIPRequest) request.clone();
    try {
      if (requestUri != null) {
        copy.setRequestURI(requestUri);
      }
      MaxForwardsHeader maxForwards = copy.getMaxForwards();
      if (maxForwards == null) {
        copy.setHeader(HEADERS.createMaxForwardsHeader(DEFAULT_MAX_FORWARDS));
      } else {
        maxForwards.decrementMaxForwards();
      }
      removeOwnRoutes(copy);
      if (recordRoute) {
        SipUri own = (SipUri) ADDRESSES.createSipURI(null, settings.advertisedHost());
        own.setPort(settings.port());
        own.setLrParam();
        copy.addFirst(HEADERS.createRecordRouteHeader(ADDRESSES.createAddress(own)));
      }
      return copy;
    } catch (TooManyHopsException e) {
      throw new IllegalStateException("Max-Forwards was checked on arrival", e);
    } catch (ParseException | InvalidArgumentException | SipException e) {
      throw new IllegalStateException("the proxy's own headers always parse", e);
    }
  }

  /** Puts this proxy's Via on top (§16.6 step 8), with rport for the answer's way back. */
  void setVia(SIPRequest request, Transport transport, String branch) {
    try {
      int port = transport == Transport.TLS ? settings.tlsPort() : settings.port();
      ViaHeader via =
          HEADERS.createViaHeader(settings.advertisedHost(), port, transport.name(), branch);
      via.setRPort();
      request.addFirst(via);
    } catch (ParseException | InvalidArgumentException | SipException e) {
      throw new IllegalStateException("the proxy's own Via always parses", e);
    }
  }

  private void removeOwnRoutes(SIPRequest request) {
    RouteList routes = request.getRouteHeaders();
    if (routes == null) {
      return;
    }
    ListIterator<Route> iterator = routes.listIterator();
    while (iterator.hasNext()) {
      Route route = iterator.next();
      if (route.getAddress().getURI() instanceof SipUri uri
          && isOurs(
              uri.getHost(),
              uri.getPort(),
              uri.getTransportParam() == null
                  ? Transport.UDP
                  : Transport.of(uri.getTransportParam()))) {
        iterator.remove();
      } else {
        break;
      }
    }
    if (routes.isEmpty()) {
      request.removeHeader(Route.NAME);
    }
  }

  private boolean isOurs(String host, int port, Transport transport) {
    int own = transport == Transport.TLS ? settings.tlsPort() : settings.port();
    int effective = port > 0 ? port : defaultPort(transport);
    return settings.advertisedHost().equalsIgnoreCase(host)
        && (effective == own || effective == settings.port());
  }

  /**
   * §16.3 step 4: a request carrying this proxy's Via with the branch it would give this very
   * request again has come back round: a loop, not a spiral (which changes the Request-URI).
   */
  private boolean looped(SIPRequest request) {
    if (request.getViaHeaders().size() < 2) {
      return false;
    }
    String mark = BRANCH_PREFIX + loopHash(request);
    for (Via via : request.getViaHeaders()) {
      String branch = via.getBranch();
      if (branch != null
          && branch.startsWith(mark)
          && isOurs(via.getHost(), via.getPort(), Transport.of(via.getTransport()))) {
        return true;
      }
    }
    return false;
  }

  static String branch(SIPRequest request, int attempt) {
    return BRANCH_PREFIX
        + loopHash(request)
        + "."
        + hash(request.getTopmostVia().getBranch())
        + "."
        + attempt;
  }

  private static String loopHash(SIPRequest request) {
    return hash(
        request.getCallId().getCallId()
            + "|"
            + request.getCSeq().getSeqNumber()
            + "|"
            + request.getFromTag()
            + "|"
            + request.getToTag()
            + "|"
            + request.getRequestURI());
  }

  private static String hash(String text) {
    long h = 1125899906842597L;
    byte[] bytes = String.valueOf(text).getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h = 31 * h + b;
    }
    return HexFormat.of().toHexDigits(h);
  }

  // ---- authentication (RFC 3261 §22)

  /**
   * Checks digest credentials against {@code secret}: a challenge when there are none (or the nonce
   * went stale), 403 when they are wrong. Proxy-Authenticate (407) for requests a proxy challenges,
   * WWW-Authenticate (401) for REGISTER, where the proxy is the registrar (§22.3).
   */
  private boolean authenticate(
      ServerTransaction tx, ServedTrunk trunk, DigestSecret secret, boolean proxy) {
    SIPRequest request = tx.request();
    DigestVerifier verifier = new DigestVerifier(trunk.credentials().realm(), nonces);
    Header header =
        request.getHeader(proxy ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME);
    Optional<DigestCredentials> credentials =
        header == null ? Optional.empty() : DigestCredentials.parse(headerValue(header));
    if (credentials.isEmpty()) {
      challenge(tx, verifier, proxy, false);
      return false;
    }
    switch (verifier.verify(request.getMethod(), credentials.get(), secret)) {
      case OK:
        return true;
      case STALE:
        challenge(tx, verifier, proxy, true);
        return false;
      default:
        if (bans.failed(tx.inbound().remote().getAddress())) {
          LOG.log(
              System.Logger.Level.WARNING,
              "{0} banned after repeated wrong credentials (last as {1})",
              tx.inbound().remote().getAddress().getHostAddress(),
              credentials.get().get("username"));
        }
        reject(
            tx,
            response(request, Response.FORBIDDEN, "Wrong Credentials"),
            RejectReason.AUTH,
            null);
        return false;
    }
  }

  private void challenge(
      ServerTransaction tx, DigestVerifier verifier, boolean proxy, boolean stale) {
    SIPResponse challenge =
        response(
            tx.request(),
            proxy ? Response.PROXY_AUTHENTICATION_REQUIRED : Response.UNAUTHORIZED,
            null);
    for (String value : verifier.challenges(stale)) {
      challenge.addHeader(
          header(proxy ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME, value));
    }
    tx.respond(challenge);
  }

  // ---- carriers

  /** Sends one OPTIONS probe to a carrier (the request a carrier's own probes look like). */
  private void probe(Carrier carrier, ClientTransaction.Listener listener) {
    Optional<InetSocketAddress> address = trunk().carrierAddress(carrier.name());
    if (address.isEmpty()) {
      return;
    }
    Transport transport = ServedTrunk.transportOf(carrier);
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    String host = settings.advertisedHost();
    int port = transport == Transport.TLS ? settings.tlsPort() : settings.port();
    String text =
        "OPTIONS sip:"
            + carrier.host()
            + ":"
            + carrier.port()
            + " SIP/2.0\r\n"
            + "Via: SIP/2.0/"
            + transport
            + " "
            + host
            + ":"
            + port
            + ";branch="
            + BRANCH_PREFIX
            + "p"
            + id
            + ";rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:trunkline@"
            + host
            + ">;tag="
            + id
            + "\r\n"
            + "To: <sip:"
            + carrier.host()
            + ":"
            + carrier.port()
            + ">\r\n"
            + "Call-ID: "
            + id
            + "@"
            + host
            + "\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n";
    if (parser.parse(text.getBytes(StandardCharsets.UTF_8)) instanceof ParseResult.Parsed parsed) {
      transactions.startClient(
          (SIPRequest) parsed.message(), transport, address.get(), 0, listener);
    }
  }

  private void housekeep() {
    try {
      ServedTrunk trunk = trunk();
      TrunkConfig config = trunk.config();
      Instant now = now();
      bans.forgetQuiet();
      if (config.maxCallDurationSeconds() > 0) {
        for (Dialog dialog :
            dialogs.reap(now, Duration.ofSeconds(config.maxCallDurationSeconds()))) {
          metrics.reaped();
          media.release(dialog.callId(), dialog.callerTag());
          LOG.log(
              System.Logger.Level.INFO,
              "Call-ID {0}: no BYE after {1} s; channels returned",
              dialog.callId(),
              config.maxCallDurationSeconds());
        }
      }
      media.pool().ping();
      if (!now.isBefore(lastProbe.plusSeconds(config.failover().probeIntervalSeconds()))) {
        lastProbe = now;
        prober.round(config.carriers(), config.failover());
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "housekeeping failed", e);
    }
  }

  // ---- helpers shared with ProxyCall

  SIPResponse response(SIPRequest request, int status, String reason) {
    SIPResponse response =
        reason == null ? request.createResponse(status) : request.createResponse(status, reason);
    if (status > Response.TRYING && response.getTo().getTag() == null) {
      try {
        // A UAS response carries a To tag (RFC 3261 §8.2.6.2).
        response.getTo().setTag(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
      } catch (ParseException e) {
        throw new IllegalStateException("a hex tag always parses", e);
      }
    }
    return response;
  }

  SIPResponse withRetryAfter(SIPResponse response, int seconds) {
    try {
      response.addHeader(HEADERS.createRetryAfterHeader(seconds));
      return response;
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("a positive Retry-After is valid", e);
    }
  }

  private SIPResponse options(SIPRequest request) {
    SIPResponse ok = response(request, Response.OK, null);
    allow(ok);
    ok.addHeader(header("Accept", "application/sdp"));
    return ok;
  }

  private static void allow(SIPResponse response) {
    for (String method : ALLOW) {
      response.addHeader(header("Allow", method));
    }
  }

  private void reject(
      ServerTransaction tx, SIPResponse response, RejectReason reason, Leases leases) {
    if (leases != null) {
      leases.release();
    }
    metrics.reject(reason);
    metrics.response(response.getStatusCode());
    tx.respond(response);
  }

  static Header header(String name, String value) {
    try {
      return HEADERS.createHeader(name, value);
    } catch (ParseException e) {
      throw new IllegalArgumentException(name + ": " + value + " does not parse", e);
    }
  }

  static String headerValue(Header header) {
    return ((SIPHeader) header).getHeaderValue();
  }

  /** §16.7 step 6, simplified: 6xx first, then the lowest class, the first of equals. */
  static boolean better(SIPResponse candidate, SIPResponse best) {
    return rank(candidate.getStatusCode()) < rank(best.getStatusCode());
  }

  private static int rank(int status) {
    return status >= 600 ? 0 : status / 100;
  }

  /** A carrier that times out or fails with 5xx hands the call to the next one. */
  static boolean failsOver(int status) {
    return status == Response.REQUEST_TIMEOUT || (status >= 500 && status < 600);
  }

  /** The message's SDP body, or null when it has none. */
  static String sdp(SIPMessage message) {
    byte[] body = message.getRawContent();
    if (body == null
        || body.length == 0
        || message.getContentTypeHeader() == null
        || !"sdp".equalsIgnoreCase(message.getContentTypeHeader().getContentSubType())) {
      return null;
    }
    return new String(body, StandardCharsets.UTF_8);
  }

  static void setSdp(SIPMessage message, String sdp) {
    message.setMessageContent("application", "sdp", sdp.getBytes(StandardCharsets.UTF_8));
  }

  private static void shiftCseq(SIPMessage message, long offset) {
    if (offset == 0) {
      return;
    }
    try {
      message.getCSeq().setSeqNumber(message.getCSeq().getSeqNumber() + offset);
    } catch (InvalidArgumentException e) {
      throw new IllegalStateException("CSeq numbers stay below 2^31 (§8.1.1.5)", e);
    }
  }

  /** RFC 3581 §4 and RFC 3261 §18.2.1: note where the request really came from. */
  private static void markReceived(Via via, InetSocketAddress remote) {
    try {
      String source = remote.getAddress().getHostAddress();
      if (!source.equals(via.getHost())) {
        via.setReceived(source);
      }
      if (via.hasParameter(Via.RPORT)) {
        via.setParameter(Via.RPORT, Integer.toString(remote.getPort()));
      }
    } catch (ParseException e) {
      throw new IllegalStateException("an address literal always parses", e);
    }
  }

  private static String userOf(URI uri) {
    return uri instanceof SipUri sip ? sip.getUser() : null;
  }

  private static URI withHost(URI uri, InetSocketAddress address) {
    SipUri copy = (SipUri) ((SipUri) uri).clone();
    try {
      copy.setHost(address.getAddress().getHostAddress());
      copy.setPort(address.getPort());
      return copy;
    } catch (ParseException e) {
      throw new IllegalStateException("an address literal always parses", e);
    }
  }

  private static int defaultPort(Transport transport) {
    return transport == Transport.TLS ? 5061 : 5060;
  }

  private static Optional<InetSocketAddress> resolve(String host, int port) {
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private CallRateLimiter rate(ServedTrunk trunk) {
    int wanted = trunk.config().quota().callsPerSecond();
    CallRateLimiter current = rate;
    if (current == null || current.callsPerSecond() != wanted) {
      synchronized (this) {
        if (rate == null || rate.callsPerSecond() != wanted) {
          rate = new CallRateLimiter(wanted, System::nanoTime);
        }
        current = rate;
      }
    }
    return current;
  }

  /** The trunk for new calls: the current snapshot, made ready once per version. */
  ServedTrunk trunk() {
    Snapshot snapshot = snapshots.get();
    ServedTrunk current = served;
    if (current == null || current.snapshot() != snapshot) {
      current = new ServedTrunk(snapshot);
      for (Line line : snapshot.config().lines()) {
        String key = lineKey(line.name());
        metrics.lineSessions(line.name(), quota, q -> q.inUse(key));
      }
      served = current;
    }
    return current;
  }

  private static String trunkKey(String trunk) {
    return "trunk/" + trunk;
  }

  private static String lineKey(String line) {
    return "line/" + line;
  }

  private static String pbxKey() {
    return "pbx";
  }

  Instant now() {
    return clock.instant();
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  MediaAnchor media() {
    return media;
  }

  Dialogs dialogs() {
    return dialogs;
  }

  TransactionLayer transactions() {
    return transactions;
  }

  void callEnded(ServerTransaction tx) {
    calls.remove(tx);
  }

  /** Answered calls not yet ended (calls being set up hold channels: {@link #channelsInUse}). */
  public int activeDialogs() {
    return dialogs.size();
  }

  /** Channels of the trunk held by calls being set up or answered. */
  public int channelsInUse() {
    return quota.inUse(trunkKey(trunk().name()));
  }

  public boolean carrierUp(String carrier) {
    return prober.isUp(carrier);
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    transactions.close();
    media.close();
  }
}
