package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.RecordRouteList;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
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
   * @param requestUri the INVITE's Request-URI, the callee's target when its 2xx has no Contact
   * @param callerContact the INVITE's Contact, or null
   * @param callerRoutes the INVITE's Record-Route (the caller's proxies), or null
   * @param calleeContact the 2xx's Contact, or null
   * @param calleeRoutes the 2xx's Record-Route, nearest the callee first and this proxy's among
   *     them, or null
   */
  record Parties(
      long inviteCseq,
      URI requestUri,
      FromHeader caller,
      Contact callerContact,
      RecordRouteList callerRoutes,
      ToHeader callee,
      Contact calleeContact,
      RecordRouteList calleeRoutes) {

    static Parties of(SIPRequest invite, SIPResponse answer) {
      return new Parties(
          invite.getCSeq().getSeqNumber(),
          invite.getRequestURI(),
          invite.getFrom(),
          invite.getContactHeader(),
          invite.getRecordRouteHeaders(),
          answer.getTo(),
          answer.getContactHeader(),
          answer.getRecordRouteHeaders());
    }
  }
}
