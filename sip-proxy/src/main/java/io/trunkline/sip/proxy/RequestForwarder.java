package io.trunkline.sip.proxy;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transport.SipSender;
import io.trunkline.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.TooManyHopsException;
import javax.sip.header.ViaHeader;

/**
 * What RFC 3261 §16.6 does to a request a proxy forwards, and the checks around it: Max-Forwards,
 * this proxy's own Route entries removed and its Record-Route added, its Via with a branch that
 * recognises loops (§16.3 step 4), and the next hop by Route or Request-URI (§16.6 step 7). Also
 * the way back for a response no transaction knows (§16.11, §18.2.2).
 */
final class RequestForwarder {

  private static final System.Logger LOG = System.getLogger(RequestForwarder.class.getName());

  /** Branches of this proxy: the magic cookie, then a mark to recognise its own (§16.6 step 8). */
  private static final String BRANCH_PREFIX = TransactionLayer.MAGIC_COOKIE + "tl";

  private static final int DEFAULT_MAX_FORWARDS = 70;

  /** The Record-Route parameter that names the proxy of the pool owning the dialog. */
  static final String OWNER = "tl-owner";

  private final SipProxy.Settings settings;
  private final SipSender sender;
  private final Members members;
  private final HandOverSeal seal;

  RequestForwarder(
      SipProxy.Settings settings, SipSender sender, Members members, HandOverSeal seal) {
    this.settings = settings;
    this.sender = sender;
    this.members = members;
    this.seal = seal;
  }

  /** Where a request goes next, and how. */
  record Hop(InetSocketAddress address, Transport transport) {}

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
        copy.setHeader(SipHeaders.FACTORY.createMaxForwardsHeader(DEFAULT_MAX_FORWARDS));
      } else {
        maxForwards.decrementMaxForwards();
      }
      removeOwnRoutes(copy);
      if (recordRoute) {
        SipUri own = (SipUri) SipHeaders.ADDRESSES.createSipURI(null, settings.advertisedHost());
        own.setPort(settings.port());
        own.setLrParam();
        if (members.pooled()) {
          // The dialog's requests may reach any proxy of the pool; this says which one holds it.
          own.setParameter(OWNER, members.mark());
        }
        copy.addFirst(
            SipHeaders.FACTORY.createRecordRouteHeader(SipHeaders.ADDRESSES.createAddress(own)));
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
      request.addFirst(via(transport, branch));
    } catch (SipException e) {
      throw new IllegalStateException("a request always takes a Via", e);
    }
  }

  /** This proxy's Via for {@code transport}, with rport. */
  ViaHeader via(Transport transport, String branch) {
    try {
      int port = transport == Transport.TLS ? settings.tlsPort() : settings.port();
      ViaHeader via =
          SipHeaders.FACTORY.createViaHeader(
              settings.advertisedHost(), port, transport.name(), branch);
      via.setRPort();
      return via;
    } catch (ParseException | InvalidArgumentException e) {
      throw new IllegalStateException("the proxy's own Via always parses", e);
    }
  }

  /** A branch for a request this proxy makes itself. */
  static String freshBranch() {
    return BRANCH_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** Whether a Record-Route entry is this proxy's own. */
  boolean isOwn(RecordRoute entry) {
    return entry.getAddress().getURI() instanceof SipUri uri
        && isOurs(
            uri.getHost(),
            uri.getPort(),
            uri.getTransportParam() == null
                ? Transport.UDP
                : Transport.of(uri.getTransportParam()));
  }

  /**
   * The branch of the {@code attempt}th forwarding of {@code request}: its loop mark, then the
   * incoming branch, so that retransmissions and ACKs forwarded statelessly keep it (§16.11).
   */
  static String branch(SIPRequest request, int attempt) {
    return BRANCH_PREFIX
        + loopHash(request)
        + "."
        + hash(request.getTopmostVia().getBranch())
        + "."
        + attempt;
  }

  /**
   * Hands {@code request} to the proxy of the pool that owns its call, statelessly (§16.11): this
   * proxy's Via with the pool address and a branch that is the same for the request's
   * retransmissions, its CANCEL and its ACK, so they meet the same transaction there; the answers
   * come back here as strays and go on by the next Via. The Via is sealed ({@link HandOverSeal}),
   * so an owner that has not found this proxy yet serves it at once. An owner that is gone (the
   * network refuses) owns no new call for a while; the caller's retransmission goes elsewhere.
   */
  void handOver(SIPRequest request, InetSocketAddress owner) {
    SIPRequest copy = (SIPRequest) request.clone();
    try {
      MaxForwardsHeader maxForwards = copy.getMaxForwards();
      if (maxForwards != null) {
        maxForwards.decrementMaxForwards();
      }
      InetSocketAddress self = members.self();
      Via below = copy.getTopmostVia();
      Via via =
          (Via)
              SipHeaders.FACTORY.createViaHeader(
                  self.getAddress().getHostAddress(),
                  self.getPort(),
                  Transport.UDP.name(),
                  statelessBranch(request));
      seal.seal(via, below, copy.getCallId().getCallId());
      copy.addFirst(via);
    } catch (TooManyHopsException e) {
      throw new IllegalStateException("Max-Forwards was checked on arrival", e);
    } catch (ParseException | InvalidArgumentException | SipException e) {
      throw new IllegalStateException("the proxy's own Via always parses", e);
    }
    sender.send(copy, Transport.UDP, owner, () -> members.refused(owner));
  }

  /**
   * Whether {@code request} looks handed over by a proxy of a pool at {@code sender}: its top Via
   * is a Trunkline proxy's stateless one (§16.11) at the very address it came from.
   */
  static boolean handedOverBy(SIPRequest request, InetSocketAddress sender) {
    Via via = request.getTopmostVia();
    String branch = via == null ? null : via.getBranch();
    String host = via == null ? null : Members.addressLiteral(via.getHost());
    return branch != null
        && branch.startsWith(BRANCH_PREFIX)
        && host != null
        && via.getPort() == sender.getPort()
        && new InetSocketAddress(host, via.getPort()).getAddress().equals(sender.getAddress());
  }

  /** A branch for a request forwarded statelessly: the same for each retransmission (§16.11). */
  static String statelessBranch(SIPRequest request) {
    return BRANCH_PREFIX + hash(request.getTopmostVia().getBranch());
  }

  /**
   * §16.3 step 4: a request carrying this proxy's Via with the branch it would give this very
   * request again has come back round: a loop, not a spiral (which changes the Request-URI).
   */
  boolean looped(SIPRequest request) {
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

  /**
   * Within a known dialog the other side is where the dialog says (NAT-safe); otherwise the first
   * Route, else the Request-URI (§16.6 step 7, §16.12). Null when there is nowhere to go.
   */
  Hop nextHop(SIPRequest forwarded, Dialog dialog, String fromTag) {
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

  /**
   * §16.11 and §18.2.2: a response no transaction knows goes on to the next Via, if ours is on top.
   * Returns whether it went; false means it was dropped.
   */
  boolean forwardStray(SIPResponse response) {
    Via top = response.getTopmostVia();
    if (top == null
        || !isOurs(top.getHost(), top.getPort(), Transport.of(top.getTransport()))
        || response.getViaHeaders().size() < 2) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "stray response {0} for Call-ID {1}",
          response.getStatusCode(),
          response.getCallId().getCallId());
      return false;
    }
    response.removeFirst(ViaHeader.NAME);
    Via next = response.getTopmostVia();
    Transport transport = Transport.of(next.getTransport());
    String host = next.getReceived() != null ? next.getReceived() : next.getHost();
    int port =
        next.getRPort() > 0
            ? next.getRPort()
            : next.getPort() > 0 ? next.getPort() : defaultPort(transport);
    Optional<InetSocketAddress> to = resolve(host, port).filter(RequestForwarder::oneHost);
    to.ifPresent(address -> sender.send(response, transport, address));
    return to.isPresent();
  }

  /**
   * A response goes back to one element, never to a broadcast, multicast or wildcard address a Via
   * names to make the proxy flood a network (RFC 4475 §3.3.10).
   */
  private static boolean oneHost(InetSocketAddress address) {
    InetAddress host = address.getAddress();
    return !host.isMulticastAddress()
        && !host.isAnyLocalAddress()
        && !host.getHostAddress().equals("255.255.255.255");
  }

  /** RFC 3581 §4 and RFC 3261 §18.2.1: note where the request really came from. */
  static void markReceived(Via via, InetSocketAddress remote) {
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
    InetSocketAddress self = members.self();
    return (settings.advertisedHost().equalsIgnoreCase(host)
            && (effective == own || effective == settings.port()))
        || (self.getAddress().getHostAddress().equals(host) && effective == self.getPort());
  }

  /**
   * The pool member that owns the dialog of an in-dialog request, from the owner mark of the
   * Record-Route this proxy's pool wrote (now the request's first Route); null without one.
   */
  InetSocketAddress markedOwner(SIPRequest request) {
    RouteList routes = request.getRouteHeaders();
    if (routes == null || routes.isEmpty()) {
      return null;
    }
    if (((Route) routes.getFirst()).getAddress().getURI() instanceof SipUri uri) {
      return Members.parseMark(uri.getParameter(OWNER));
    }
    return null;
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
}
