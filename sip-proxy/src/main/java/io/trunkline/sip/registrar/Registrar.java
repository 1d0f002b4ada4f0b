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
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.transaction.ServerTransaction;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sip.message.Response;

/**
 * The registrar of a trunk's lines and PBX (RFC 3261 §10.3): authenticates a REGISTER with the
 * line's digest credentials, then adds, refreshes, removes or lists its bindings.
 */
public final class Registrar {

  private static final int MIN_EXPIRES = 60;
  private static final int MAX_EXPIRES = 3600;
  private static final int DEFAULT_EXPIRES = 3600;

  /** The address of record of the trunk's PBX. */
  public static final String PBX = "pbx";

  private final Authenticator authenticator;
  private final LocationStore locations;
  private final ProxyMetrics metrics;
  private final Clock clock;

  public Registrar(
      Authenticator authenticator, LocationStore locations, ProxyMetrics metrics, Clock clock) {
    this.authenticator = authenticator;
    this.locations = locations;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The address of record of a line, under which its bindings are kept. */
  public static String aor(Line line) {
    return "line/" + line.name();
  }

  public void register(ServerTransaction tx, ServedTrunk trunk) {
    SIPRequest request = tx.request();
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
                now.plusSeconds(Math.min(expires, MAX_EXPIRES)),
                request.getCallId().getCallId(),
                request.getCSeq().getSeqNumber()));
      }
    }
    List<Binding> bindings =
        changes.isEmpty() ? locations.lookup(aor, now) : locations.update(aor, changes, now);
    return registered(request, bindings, now);
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
