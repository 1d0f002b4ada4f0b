package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.Contact;
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
   * <p>The headers are kept as the text they encode to and parsed again only to end the call from
   * the proxy, which few calls need: parsed, the seven were about 2.5 KB of objects a call, which
   * the collector copied for as long as the call stayed young, and a pod of 10,000 long calls kept
   * (decision 0033). Each read is a fresh parse, so a BYE may change what it is given.
   */
  static final class Parties {
    private final long inviteCseq;
    private final String requestUri;
    private final String caller;
    private final String callerContact;
    private final String callerRoutes;
    private final String callee;
    private final String calleeContact;
    private final String calleeRoutes;

    private Parties(SIPRequest invite, SIPResponse answer) {
      inviteCseq = invite.getCSeq().getSeqNumber();
      requestUri = invite.getRequestURI().toString();
      caller = SipHeaders.value(invite.getFrom());
      callerContact = valueOrNull(invite.getContactHeader());
      callerRoutes = valueOrNull(invite.getRecordRouteHeaders());
      callee = SipHeaders.value(answer.getTo());
      calleeContact = valueOrNull(answer.getContactHeader());
      calleeRoutes = valueOrNull(answer.getRecordRouteHeaders());
    }

    static Parties of(SIPRequest invite, SIPResponse answer) {
      return new Parties(invite, answer);
    }

    /** The INVITE's CSeq as the caller sent it. */
    long inviteCseq() {
      return inviteCseq;
    }

    /** The INVITE's Request-URI, the callee's target when its 2xx has no Contact. */
    URI requestUri() {
      try {
        return SipHeaders.ADDRESSES.createURI(requestUri);
      } catch (ParseException e) {
        throw reparse(requestUri, e);
      }
    }

    /** The INVITE's From. */
    FromHeader caller() {
      return (FromHeader) header(FromHeader.NAME, caller);
    }

    /** The INVITE's Contact, or null. */
    Contact callerContact() {
      return (Contact) header(ContactHeader.NAME, callerContact);
    }

    /** The INVITE's Record-Route (the caller's proxies), empty when it had none. */
    List<RecordRoute> callerRoutes() {
      return routes(callerRoutes);
    }

    /** The 2xx's To. */
    ToHeader callee() {
      return (ToHeader) header(ToHeader.NAME, callee);
    }

    /** The 2xx's Contact, or null. */
    Contact calleeContact() {
      return (Contact) header(ContactHeader.NAME, calleeContact);
    }

    /** The 2xx's Record-Route, nearest the callee first and this proxy's among them. */
    List<RecordRoute> calleeRoutes() {
      return routes(calleeRoutes);
    }

    private static String valueOrNull(Header header) {
      return header == null ? null : SipHeaders.value(header);
    }

    private static Header header(String name, String value) {
      return value == null ? null : SipHeaders.of(name, value);
    }

    @SuppressWarnings("unchecked")
    private static List<RecordRoute> routes(String value) {
      if (value == null) {
        return List.of();
      }
      try {
        return SipHeaders.FACTORY.createHeaders(RecordRouteHeader.NAME + ": " + value);
      } catch (ParseException e) {
        throw reparse(value, e);
      }
    }

    private static IllegalStateException reparse(String text, ParseException e) {
      return new IllegalStateException("what a parsed header encoded parses again: " + text, e);
    }
  }
}
