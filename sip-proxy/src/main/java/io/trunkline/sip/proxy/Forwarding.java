package io.trunkline.sip.proxy;

import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.media.MediaAnchor;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transport.CallWorkers;
import java.time.Clock;
import java.util.function.Consumer;
import javax.sip.header.ViaHeader;

/**
 * What forwarding a request needs, shared by the INVITE and in-dialog forwarders: the §16.6
 * rewriting, the transactions, the answered calls, the media relays, the carriers' health (which
 * calls report to), the call's worker for continuations of asynchronous steps, metrics and the
 * clock.
 */
record Forwarding(
    RequestForwarder requests,
    TransactionLayer transactions,
    Dialogs dialogs,
    MediaAnchor media,
    CarrierProber carriers,
    CallWorkers workers,
    ProxyMetrics metrics,
    Clock clock) {

  /**
   * Passes a response back towards the sender of a request: a copy without this proxy's Via (§16.7
   * step 9). When {@code anchorAnswer} and it carries SDP, that answer names the far end's media,
   * so the relay session of the call and of the request's sender ({@code fromTag}) anchors it first
   * (RFC 3264) and {@code send} gets the copy on the call's worker once the relay has answered.
   */
  void upstream(
      SIPResponse response,
      String callId,
      String fromTag,
      boolean anchorAnswer,
      Consumer<SIPResponse> send) {
    SIPResponse upstream = (SIPResponse) response.clone();
    upstream.removeFirst(ViaHeader.NAME);
    String answer = anchorAnswer ? SipHeaders.sdp(upstream) : null;
    if (answer == null) {
      send.accept(upstream);
      return;
    }
    media
        .answer(callId, fromTag, upstream.getToTag(), answer)
        .whenCompleteAsync(
            (anchored, failure) -> {
              if (anchored != null) {
                SipHeaders.setSdp(upstream, anchored);
              }
              send.accept(upstream);
            },
            workers.of(callId));
  }
}
