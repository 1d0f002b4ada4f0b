package io.trunkline.sip.proxy;

import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A call that was answered, from its 2xx to its BYE (RFC 3261 §12). The proxy keeps where each side
 * is, so in-dialog requests reach NATed phones whose Contact names an unreachable address, and the
 * channels the call holds until it ends.
 *
 * @param cseqOffset added to the caller's CSeq towards the callee: a carrier challenge made the
 *     proxy send the INVITE again with the next CSeq (RFC 3261 §22.2)
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
    Instant started) {

  /** Whether a request with this From tag comes from the caller's side. */
  boolean fromCaller(String fromTag) {
    return callerTag.equals(fromTag);
  }
}
