package io.trunkline.sip.proxy;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transaction.ServerTransaction;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.SipSender;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Requests inside an answered call (RFC 3261 §16.4 loose routing, §16.12): BYE, re-INVITE, UPDATE,
 * INFO and the like go to the other party where the dialog says, CSeq shifted when the proxy
 * answered a carrier's challenge, and a re-INVITE's new media through the call's relay. A BYE ends
 * the dialog and returns its channels. The ACK of a 2xx is forwarded statelessly (§16.11).
 */
final class InDialogForwarder {

  private final Forwarding forwarding;
  private final SipSender sender;

  InDialogForwarder(Forwarding forwarding, SipSender sender) {
    this.forwarding = forwarding;
    this.sender = sender;
  }

  void forward(ServerTransaction tx) {
    SIPRequest request = tx.request();
    String callId = tx.callId();
    Dialogs dialogs = forwarding.dialogs();
    Dialog dialog = dialogs.get(callId);
    if (Request.BYE.equals(request.getMethod()) && dialogs.end(callId) != null) {
      forwarding.media().release(callId, request.getFromTag());
    }
    Onward onward = onward(request, dialog, RequestForwarder.branch(request, 0));
    if (onward == null) {
      tx.respond(Responses.of(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
      return;
    }
    SIPRequest forwarded = onward.request();
    RequestForwarder.Hop hop = onward.hop();
    // A re-INVITE or UPDATE with SDP moves the media (hold, resume, a new codec): through the
    // call's relay again, offer on the way out and answer on the way back (RFC 3264 §8).
    String offer = forwarding.media().anchored(callId) ? SipHeaders.sdp(request) : null;
    ClientTransaction.Listener listener =
        new Upstream(tx, callId, request.getFromTag(), onward.cseqOffset(), offer != null);
    if (offer == null) {
      forwarding.transactions().startClient(forwarded, hop.transport(), hop.address(), 0, listener);
      return;
    }
    forwarding
        .media()
        .offer(callId, request.getFromTag(), offer)
        .whenCompleteAsync(
            (anchored, failure) -> {
              if (anchored != null) {
                SipHeaders.setSdp(forwarded, anchored);
              }
              forwarding
                  .transactions()
                  .startClient(forwarded, hop.transport(), hop.address(), 0, listener);
            },
            forwarding.workers().of(callId));
  }

  /** The ACK of a 2xx is its own transaction, end to end: forwarded statelessly (§16.11). */
  void forwardAck(InboundMessage inbound) {
    SIPRequest request = (SIPRequest) inbound.message();
    if (request.getToTag() == null) {
      return; // an ACK for a transaction long gone
    }
    Dialog dialog = forwarding.dialogs().get(request.getCallId().getCallId());
    if (dialog != null && request.getCSeq().getSeqNumber() < dialog.parties().inviteCseq()) {
      // The ACK of a final response before the dialog's INVITE (a 407 challenge): hop by hop
      // (§17.1.1.3), its transaction's; reaching here, it came by a path that transaction did
      // not (another member of the pool), and the callee must never see it.
      return;
    }
    Onward onward = onward(request, dialog, RequestForwarder.statelessBranch(request));
    if (onward != null) {
      sender.send(onward.request(), onward.hop().transport(), onward.hop().address());
    }
  }

  /** An in-dialog request ready to go to the other party, and the CSeq shift it carries. */
  private record Onward(SIPRequest request, RequestForwarder.Hop hop, long cseqOffset) {}

  /**
   * The copy of {@code request} for the other party (§16.6), with its Via and, for the caller's
   * requests, the CSeq shifted by the proxy's retried INVITE; null when there is nowhere to go.
   */
  private Onward onward(SIPRequest request, Dialog dialog, String branch) {
    SIPRequest forwarded = forwarding.requests().forwardedRequest(request, null, false);
    RequestForwarder.Hop hop =
        forwarding.requests().nextHop(forwarded, dialog, request.getFromTag());
    if (hop == null) {
      return null;
    }
    boolean fromCaller = dialog != null && dialog.fromCaller(request.getFromTag());
    long offset = fromCaller ? dialog.cseqOffset() : 0;
    SipHeaders.shiftCseq(forwarded, offset);
    if (dialog != null && !Request.ACK.equals(request.getMethod())) {
      long cseq = forwarded.getCSeq().getSeqNumber();
      (fromCaller ? dialog.callerCseq() : dialog.calleeCseq()).accumulateAndGet(cseq, Math::max);
    }
    forwarding.requests().setVia(forwarded, hop.transport(), branch);
    return new Onward(forwarded, hop, offset);
  }

  /** Takes the far end's responses back to the sender, answer SDP through the relay. */
  private final class Upstream implements ClientTransaction.Listener {
    private final ServerTransaction tx;
    private final String callId;
    private final String fromTag;
    private final long offset;
    private final boolean anchored;

    Upstream(ServerTransaction tx, String callId, String fromTag, long offset, boolean anchored) {
      this.tx = tx;
      this.callId = callId;
      this.fromTag = fromTag;
      this.offset = offset;
      this.anchored = anchored;
    }

    @Override
    public void onResponse(ClientTransaction transaction, SIPResponse response) {
      if (response.getStatusCode() == Response.TRYING) {
        return;
      }
      forwarding.upstream(
          response,
          callId,
          fromTag,
          anchored,
          upstream -> {
            SipHeaders.shiftCseq(upstream, -offset);
            tx.respond(upstream);
          });
    }

    @Override
    public void onTimeout(ClientTransaction transaction, boolean provisional) {
      SIPRequest request = tx.request();
      if (!provisional && request != null) {
        tx.respond(Responses.of(request, Response.REQUEST_TIMEOUT, null));
      }
    }
  }
}
