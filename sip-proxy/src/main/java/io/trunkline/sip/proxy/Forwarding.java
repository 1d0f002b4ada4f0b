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
   * Passes a response back towards the sender of a request without this proxy's Via (§16.7 step 9).
   * When {@code anchorAnswer} and it carries SDP, that answer names the far end's media, so the
   * relay session of the call and of the request's sender ({@code fromTag}) anchors it first (RFC
   * 3264) and {@code send} gets the response on the call's worker once the relay has answered.
   *
   * <p>The response itself is changed and sent on, not a copy: each one is parsed for this one
   * forwarding (a retransmission is parsed anew), and its transaction has read what it needs by the
   * time it is delivered ({@link
   * io.trunkline.sip.transaction.ClientTransaction.Listener#onResponse}). A dialog keeps the
   * answer's To, Contact and Record-Route, which this leaves as they are. A copy was about 4 KB a
   * response, 7% of what a call allocated.
   */
  void upstream(
      SIPResponse response,
      String callId,
      String fromTag,
      boolean anchorAnswer,
      Consumer<SIPResponse> send) {
    response.removeFirst(ViaHeader.NAME);
    String answer = anchorAnswer ? SipHeaders.sdp(response) : null;
    if (answer == null) {
      send.accept(response);
      return;
    }
    media
        .answer(callId, fromTag, response.getToTag(), answer)
        .whenCompleteAsync(
            (anchored, failure) -> {
              if (anchored != null) {
                SipHeaders.setSdp(response, anchored);
              }
              send.accept(response);
            },
            workers.of(callId));
  }
}
