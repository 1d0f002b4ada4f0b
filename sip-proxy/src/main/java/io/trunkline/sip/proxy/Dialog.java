package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;

/**
 * A call that was answered, from its 2xx to its BYE (RFC 3261 §12). The proxy keeps where each side
 * is, so in-dialog requests reach NATed phones whose Contact names an unreachable address, and the
 * channels the call holds until it ends.
 *
 * @param cseqOffset added to the caller's CSeq towards the callee: a carrier challenge made the
 *     proxy send the INVITE again with the next CSeq (RFC 3261 §22.2)
 * @param parties each party as the INVITE and its 2xx named it: what the proxy needs to end the
 *     call itself (a BYE to each party)
 * @param callerCseq the highest CSeq of the caller's requests as the callee saw them, and {@code
 *     calleeCseq} of the callee's: a BYE the proxy sends must come after them (§12.2.1.1)
 */
record Dialog(
    String callId,
    String callerTag,
    InetSocketAddress caller,
    Transport callerTransport,
    InetSocketAddress callee,
    Transport calleeTransport,
    long cseqOffset,
    CallChannels channels,
    Instant started,
    Parties parties,
    AtomicLong callerCseq,
    AtomicLong calleeCseq) {

  /** Whether a request with this From tag comes from the caller's side. */
  boolean fromCaller(String fromTag) {
    return callerTag.equals(fromTag);
  }

  /**
   * Each party as the INVITE and its 2xx named it (RFC 3261 §12.1): these headers alone, so the
   * rest of both messages (Vias, bodies, every other header) goes once the call is answered. A
   * dialog lives as long as its call, and the two messages were about 8 KB of it (decision 0033).
   *
   * @param inviteCseq the INVITE's CSeq as the caller sent it
   * @param caller as the INVITE named it: From, Contact (else the From's URI), Record-Route (the
   *     caller's proxies)
   * @param callee as the 2xx named it: To, Contact (else the INVITE's Request-URI), Record-Route
   *     (nearest the callee first, this proxy's among them)
   */
  record Parties(long inviteCseq, Party caller, Party callee) {

    static Parties of(SIPRequest invite, SIPResponse answer) {
      return new Parties(
          invite.getCSeq().getSeqNumber(),
          new Party(
              invite.getFrom(),
              invite.getContactHeader(),
              invite.getFrom().getAddress().getURI(),
              invite.getRecordRouteHeaders()),
          new Party(
              answer.getTo(),
              answer.getContactHeader(),
              invite.getRequestURI(),
              answer.getRecordRouteHeaders()));
    }
  }

  /**
   * One side of the call, kept as the text its headers encode to and parsed again only when the
   * proxy ends the call, which few calls need: parsed, the dialog's headers were about 4.5 KB of
   * objects a call, which the collector copied while the call was young and a pod of 10,000 long
   * calls kept (decision 0033). Each read is a fresh parse, so a BYE may change what it is given.
   */
  static final class Party {
    private final String identity;
    private final String target;
    private final String routes;

    /**
     * @param identity its From or To, with its tag
     * @param contact its Contact, whose URI is its remote target (§12.1.1, §12.1.2), or null
     * @param fallback the target without a Contact
     * @param routes the Record-Route its message carried, or null
     */
    private Party(Header identity, ContactHeader contact, URI fallback, Header routes) {
      this.identity = SipHeaders.value(identity);
      this.target = (contact == null ? fallback : contact.getAddress().getURI()).toString();
      this.routes = routes == null ? null : SipHeaders.value(routes);
    }

    /** Its address and tag, as the From of a request it sends. */
    FromHeader asFrom() {
      return (FromHeader) SipHeaders.of(FromHeader.NAME, identity);
    }

    /** Its address and tag, as the To of a request sent to it. */
    ToHeader asTo() {
      return (ToHeader) SipHeaders.of(ToHeader.NAME, identity);
    }

    /** Where a request to it goes: the Request-URI. */
    URI target() {
      try {
        return SipHeaders.ADDRESSES.createURI(target);
      } catch (ParseException e) {
        throw reparse(target, e);
      }
    }

    /** The Record-Route its message carried, empty when none. */
    @SuppressWarnings("unchecked")
    List<RecordRoute> routes() {
      if (routes == null) {
        return List.of();
      }
      try {
        return SipHeaders.FACTORY.createHeaders(RecordRouteHeader.NAME + ": " + routes);
      } catch (ParseException e) {
        throw reparse(routes, e);
      }
    }

    private static IllegalStateException reparse(String text, ParseException e) {
      return new IllegalStateException("what a parsed header encoded parses again: " + text, e);
    }
  }
}
