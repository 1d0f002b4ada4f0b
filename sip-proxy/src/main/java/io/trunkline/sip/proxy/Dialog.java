package io.trunkline.sip.proxy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A call that was answered, from its 2xx to its BYE (RFC 3261 §12). The proxy keeps where each side
 * is, so in-dialog requests reach NATed phones whose Contact names an unreachable address, and the
 * channels the call holds until it ends.
 *
 * @param cseqOffset added to the caller's CSeq towards the callee: a carrier challenge made the
 *     proxy send the INVITE again with the next CSeq (RFC 3261 §22.2)
 * @param invite the INVITE as the caller sent it, and {@code answer} the 2xx as the callee sent it:
 *     what the proxy needs to end the call itself (a BYE to each party)
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
    SIPRequest invite,
    SIPResponse answer,
    AtomicLong callerCseq,
    AtomicLong calleeCseq) {

  /** Whether a request with this From tag comes from the caller's side. */
  boolean fromCaller(String fromTag) {
    return callerTag.equals(fromTag);
  }
}
