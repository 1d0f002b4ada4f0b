package io.trunkline.sip.registrar;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.sip.auth.Authenticator;
import io.trunkline.sip.auth.DigestAlgorithm;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.RegisterRateLimiter;
import io.trunkline.sip.transaction.ServerTransaction;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.sip.message.Response;

/**
 * The registrar of a trunk's lines and PBX (RFC 3261 §10.3): holds REGISTERs to their rates,
 * authenticates them with the line's digest credentials, then adds, refreshes, removes or lists its
 * bindings, each granted a little less than asked at random, so that phones that registered
 * together (a reboot, a power cut) do not all refresh together.
 */
public final class Registrar {

  private static final int MIN_EXPIRES = 60;
  private static final int MAX_EXPIRES = 3600;
  private static final int DEFAULT_EXPIRES = 3600;

  /** The address of record of the trunk's PBX. */
  public static final String PBX = "pbx";

  /** The shortest grant as a fraction of what would be granted, for the spread of refreshes. */
  private static final double SHORTEST_GRANT = 0.8;

  private final Authenticator authenticator;
  private final LocationStore locations;
  private final RegisterRateLimiter rates;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;

  /**
   * @param random spreads the granted expiries
   */
  public Registrar(
      Authenticator authenticator,
      LocationStore locations,
      RegisterRateLimiter rates,
      ProxyMetrics metrics,
      Clock clock,
      RandomGenerator random) {
    this.authenticator = authenticator;
    this.locations = locations;
    this.rates = rates;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
  }

  /** The address of record of a line, under which its bindings are kept. */
  public static String aor(Line line) {
    return "line/" + line.name();
  }

  public void register(ServerTransaction tx, ServedTrunk trunk) {
    SIPRequest request = tx.request();
    Optional<Refusal> over = rates.admit(tx.inbound().origin(), trunk.config().registration());
    if (over.isPresent()) {
      // Before any digest work: a storm costs the proxy a 503 per REGISTER and no more.
      Refusal refusal = over.get();
      metrics.reject(refusal.counted());
      tx.respond(
          Responses.withRetryAfter(
              Responses.of(request, refusal.status(), refusal.phrase()),
              refusal.retryAfterSeconds()));
      return;
    }
    if (!(request.getTo().getAddress().getURI() instanceof SipUri to)) {
      // §10.2: the To of a REGISTER is an address of record, a SIP or SIPS URI (RFC 4475 §3.3.4).
      tx.respond(Responses.of(request, Response.BAD_REQUEST, "To Must Be a SIP URI"));
      return;
    }
    String user = to.getUser();
    Optional<Line> line = trunk.lineByUser(user);
    DigestSecret pbx = trunk.credentials().pbx();
    String aor;
    DigestSecret secret;
    List<DigestAlgorithm> algorithms;
    if (line.isPresent()) {
      aor = aor(line.get());
      secret = trunk.credentials().lines().get(line.get().username());
      algorithms = trunk.digestAlgorithms(line.get());
    } else if (pbx != null && pbx.username().equals(user)) {
      aor = PBX;
      secret = pbx;
      algorithms = trunk.pbxDigestAlgorithms();
    } else {
      // §10.3 step 3: an address of record this registrar is not responsible for.
      metrics.reject(RejectReason.AUTH);
      tx.respond(Responses.of(request, Response.NOT_FOUND, null));
      return;
    }
    Optional<SIPResponse> refused =
        authenticator.check(
            request,
            tx.inbound().remote().getAddress(),
            trunk.credentials().realm(),
            secret,
            algorithms,
            false);
    if (refused.isPresent()) {
      tx.respond(refused.get());
      return;
    }
    tx.respond(bind(tx, aor));
  }

  /** §10.3 steps 6 to 8, once the REGISTER is authenticated. */
  private SIPResponse bind(ServerTransaction tx, String aor) {
    SIPRequest request = tx.request();
    Instant now = clock.instant();
    ContactList contacts = request.getContactHeaders();
    int defaultExpires =
        request.getExpires() != null ? request.getExpires().getExpires() : DEFAULT_EXPIRES;
    List<Binding> changes = new ArrayList<>();
    if (contacts != null) {
      for (Contact contact : contacts) {
        if (contact.isWildCard()) {
          if (defaultExpires != 0 || contacts.size() != 1) {
            return Responses.of(request, Response.BAD_REQUEST, "Wildcard Needs Expires 0");
          }
          locations.clear(aor);
          return registered(request, List.of(), now);
        }
        int expires = contact.getExpires() >= 0 ? contact.getExpires() : defaultExpires;
        if (expires > 0 && expires < MIN_EXPIRES) {
          SIPResponse brief = Responses.of(request, Response.INTERVAL_TOO_BRIEF, null);
          brief.addHeader(SipHeaders.of("Min-Expires", Integer.toString(MIN_EXPIRES)));
          return brief;
        }
        changes.add(
            new Binding(
                contact.getAddress().getURI().toString(),
                tx.inbound().remote(),
                tx.inbound().transport(),
                now.plusSeconds(granted(Math.min(expires, MAX_EXPIRES))),
                request.getCallId().getCallId(),
                request.getCSeq().getSeqNumber()));
      }
    }
    List<Binding> bindings =
        changes.isEmpty() ? locations.lookup(aor, now) : locations.update(aor, changes, now);
    return registered(request, bindings, now);
  }

  /**
   * §10.3 step 7 lets a registrar shorten the interval asked for: between 80% and all of it, never
   * below the minimum, so a fleet registered in one minute refreshes over several.
   */
  private int granted(int asked) {
    if (asked <= 0) {
      return asked;
    }
    int shortest = Math.max(MIN_EXPIRES, (int) Math.ceil(asked * SHORTEST_GRANT));
    return shortest >= asked ? asked : random.nextInt(shortest, asked + 1);
  }

  private static SIPResponse registered(SIPRequest request, List<Binding> bindings, Instant now) {
    SIPResponse ok = Responses.of(request, Response.OK, null);
    ok.removeHeader(Contact.NAME);
    for (Binding binding : bindings) {
      try {
        Contact contact =
            (Contact)
                SipHeaders.FACTORY.createContactHeader(
                    SipHeaders.ADDRESSES.createAddress(binding.contact()));
        contact.setExpires((int) Math.max(0, Duration.between(now, binding.expires()).toSeconds()));
        ok.addHeader(contact);
      } catch (ParseException e) {
        throw new IllegalStateException("a stored contact parsed once already", e);
      }
    }
    return ok;
  }
}
