package io.trunkline.sip.routing;

import gov.nist.javax.sip.address.SipUri;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.registrar.Binding;
import io.trunkline.sip.registrar.LocationStore;
import io.trunkline.sip.registrar.Registrar;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import javax.sip.address.URI;
import javax.sip.message.Response;

/**
 * Where a new call goes, in groups tried one after the other: a called line's registered phones
 * (one group: they ring together), the PBX for a call from a carrier, the carriers the trunk's
 * RoutePolicy picks for the dialled number, or while no policy names the trunk its own carriers by
 * priority and weight (one group each, in failover order), or for an emergency number the trunk's
 * emergency carriers.
 */
public final class TargetResolver {

  private static final System.Logger LOG = System.getLogger(TargetResolver.class.getName());

  /** What came of resolving: target groups, or why there are none. */
  public sealed interface Resolution {
    record Targets(List<List<CallTarget>> groups) implements Resolution {}

    record Refused(Refusal refusal) implements Resolution {}
  }

  private final LocationStore locations;
  private final Predicate<String> carrierUp;
  private final Clock clock;

  public TargetResolver(LocationStore locations, Predicate<String> carrierUp, Clock clock) {
    this.locations = locations;
    this.carrierUp = carrierUp;
    this.clock = clock;
  }

  /** The trunk's line a Request-URI names, by its number or its user name. */
  public static Optional<Line> calledLine(ServedTrunk trunk, URI requestUri) {
    String user = userOf(requestUri);
    return Destination.normalise(user)
        .flatMap(trunk::lineByNumber)
        .or(() -> trunk.lineByUser(user));
  }

  /**
   * The trunk's emergency number a Request-URI dials, if it dials one: its user part, normalised as
   * for routing, equal to one of the numbers.
   */
  public static Optional<String> emergencyNumber(ServedTrunk trunk, URI requestUri) {
    return Destination.normalise(userOf(requestUri))
        .filter(trunk.config().emergency().numbers()::contains);
  }

  /**
   * An emergency call goes to the trunk's emergency carriers in their order, past every
   * RoutePolicy. Carriers found down come last rather than not at all: a probe may be wrong, and an
   * emergency call is worth the try.
   */
  public Resolution emergency(ServedTrunk trunk, String number) {
    List<Carrier> up = new ArrayList<>();
    List<Carrier> down = new ArrayList<>();
    for (String name : trunk.config().emergency().carriers()) {
      trunk.carrier(name).ifPresent(carrier -> (carrierUp.test(name) ? up : down).add(carrier));
    }
    up.addAll(down);
    List<List<CallTarget>> carriers = toCarriers(trunk, up, number);
    return carriers.isEmpty()
        ? new Resolution.Refused(
            Refusal.retryLater(
                Response.SERVICE_UNAVAILABLE, "No Carrier Available", 5, RejectReason.UNAVAILABLE))
        : new Resolution.Targets(carriers);
  }

  /**
   * @param fromCarrier whether a carrier sent the call, which then goes to the PBX
   * @param caller the calling line, or null, for routing rules that match on it
   * @param callee the called line (see {@link #calledLine}), or null
   */
  public Resolution resolve(
      ServedTrunk trunk, URI requestUri, boolean fromCarrier, Line caller, Line callee) {
    if (callee != null) {
      List<List<CallTarget>> phones = contacts(Registrar.aor(callee));
      return phones.isEmpty()
          ? refused(Response.TEMPORARILY_UNAVAILABLE, "Not Registered", RejectReason.UNAVAILABLE)
          : new Resolution.Targets(phones);
    }
    if (fromCarrier) {
      List<List<CallTarget>> pbx = toPbx(trunk, requestUri);
      return pbx.isEmpty()
          ? refused(Response.NOT_FOUND, null, RejectReason.NO_ROUTE)
          : new Resolution.Targets(pbx);
    }
    Optional<String> number = Destination.normalise(userOf(requestUri));
    if (number.isEmpty()) {
      return refused(Response.NOT_FOUND, null, RejectReason.NO_ROUTE);
    }
    RouteDecision decision =
        trunk
            .routes()
            .decide(
                number.get(),
                caller == null ? null : caller.name(),
                clock.instant(),
                carrierUp,
                ThreadLocalRandom.current());
    if (decision instanceof RouteDecision.Reject reject) {
      return refused(reject.status(), reject.reason(), RejectReason.BLOCKED);
    }
    if (!(decision instanceof RouteDecision.Forward forward)) {
      return refused(Response.NOT_FOUND, null, RejectReason.NO_ROUTE);
    }
    List<List<CallTarget>> carriers = toCarriers(trunk, forward.carriers(), number.get());
    return carriers.isEmpty()
        ? new Resolution.Refused(
            Refusal.retryLater(
                Response.SERVICE_UNAVAILABLE, "No Carrier Available", 5, RejectReason.UNAVAILABLE))
        : new Resolution.Targets(carriers);
  }

  private static Resolution refused(int status, String phrase, RejectReason counted) {
    return new Resolution.Refused(Refusal.of(status, phrase, counted));
  }

  private List<List<CallTarget>> contacts(String aor) {
    List<CallTarget> targets = new ArrayList<>();
    for (Binding binding : locations.lookup(aor, clock.instant())) {
      try {
        targets.add(
            new CallTarget(
                SipHeaders.ADDRESSES.createURI(binding.contact()),
                binding.source(),
                binding.transport(),
                null));
      } catch (ParseException e) {
        LOG.log(System.Logger.Level.WARNING, "unusable contact {0}", binding.contact());
      }
    }
    return targets.isEmpty() ? List.of() : List.of(targets);
  }

  /** The PBX's registered contacts, else the single host its source network names. */
  private List<List<CallTarget>> toPbx(ServedTrunk trunk, URI requestUri) {
    List<List<CallTarget>> registered = contacts(Registrar.PBX);
    if (!registered.isEmpty()) {
      return registered;
    }
    return trunk
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
                  SipUri uri = (SipUri) SipHeaders.ADDRESSES.createSipURI(number, carrier.host());
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
}
