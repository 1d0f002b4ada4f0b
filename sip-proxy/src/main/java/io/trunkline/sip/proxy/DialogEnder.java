package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;

/**
 * Ends an answered call from the middle, as a B2BUA would and a proxy rarely must: a BYE to each
 * party, built from the dialog's INVITE and 2xx (RFC 3261 §12.2.1.1: Request-URI the remote target,
 * route set from the Record-Route, CSeq after the last one used), then its relay session and its
 * channels released. For a call that outlives the trunk's maximum duration, a draining proxy's
 * bound or whose media stopped: the parties learn the call ended and stop sending media, and the
 * carrier stops billing it.
 */
final class DialogEnder {

  private static final System.Logger LOG = System.getLogger(DialogEnder.class.getName());
  private static final MessageFactoryImpl MESSAGES = new MessageFactoryImpl();
  private static final int MAX_FORWARDS = 70;

  /** The BYEs' answers change nothing: the call is over here whatever they say. */
  private static final ClientTransaction.Listener IGNORED =
      new ClientTransaction.Listener() {
        @Override
        public void onResponse(ClientTransaction transaction, SIPResponse response) {}

        @Override
        public void onTimeout(ClientTransaction transaction, boolean provisional) {}
      };

  /** Why the proxy ended a call: the trunk's maximum call duration. */
  static final String DURATION = "duration";

  /** Why the proxy ended a call: still up at a draining proxy's bound. */
  static final String DRAIN = "drain";

  /** Why the proxy ended a call: no media either way, not on hold, for the silence timeout. */
  static final String SILENCE = "silence";

  private final Forwarding forwarding;

  DialogEnder(Forwarding forwarding) {
    this.forwarding = forwarding;
  }

  /** Ends {@code dialog} with a BYE to each party, on the call's worker, unless it ended first. */
  void end(Dialog dialog, String reason) {
    forwarding.workers().of(dialog.callId()).execute(() -> endHere(dialog, reason));
  }

  private void endHere(Dialog dialog, String reason) {
    if (forwarding.dialogs().end(dialog.callId()) == null) {
      return;
    }
    forwarding.media().release(dialog.callId(), dialog.callerTag());
    send(byeToCallee(dialog), dialog.callee(), dialog.calleeTransport());
    send(byeToCaller(dialog), dialog.caller(), dialog.callerTransport());
    forwarding.metrics().ended(reason);
    LOG.log(
        System.Logger.Level.INFO,
        "Call-ID {0}: ended by the proxy ({1}), BYE to both parties",
        dialog.callId(),
        reason);
  }

  /** As the caller would send it: towards the callee's target, through the routes after ours. */
  SIPRequest byeToCallee(Dialog dialog) {
    Dialog.Party callee = dialog.parties().callee();
    List<RecordRoute> downstream = new ArrayList<>();
    // The 2xx lists the proxies nearest the callee first; ours marks where they end.
    for (RecordRoute entry : callee.routes()) {
      if (forwarding.requests().isOwn(entry)) {
        break;
      }
      downstream.add(entry);
    }
    Collections.reverse(downstream);
    long cseq = dialog.callerCseq().incrementAndGet();
    return bye(
        dialog, dialog.parties().caller(), callee, cseq, dialog.calleeTransport(), downstream);
  }

  /** As the callee would send it: towards the caller's target, through the caller's proxies. */
  SIPRequest byeToCaller(Dialog dialog) {
    Dialog.Party caller = dialog.parties().caller();
    long cseq = dialog.calleeCseq().incrementAndGet();
    return bye(
        dialog, dialog.parties().callee(), caller, cseq, dialog.callerTransport(), caller.routes());
  }

  /** A BYE from {@code from} to {@code to}, with CSeq {@code cseq} (after {@code from}'s last). */
  private SIPRequest bye(
      Dialog dialog,
      Dialog.Party from,
      Dialog.Party to,
      long cseq,
      Transport transport,
      List<RecordRoute> route) {
    try {
      SIPRequest bye =
          (SIPRequest)
              MESSAGES.createRequest(
                  to.target(),
                  Request.BYE,
                  SipHeaders.FACTORY.createCallIdHeader(dialog.callId()),
                  SipHeaders.FACTORY.createCSeqHeader(cseq, Request.BYE),
                  from.asFrom(),
                  to.asTo(),
                  List.of(forwarding.requests().via(transport, RequestForwarder.freshBranch())),
                  SipHeaders.FACTORY.createMaxForwardsHeader(MAX_FORWARDS));
      for (RecordRoute entry : route) {
        RouteHeader hop = SipHeaders.FACTORY.createRouteHeader(entry.getAddress());
        bye.addLast(hop);
      }
      bye.addHeader(SipHeaders.of("Reason", "SIP;cause=200;text=\"Call ended by the trunk\""));
      return bye;
    } catch (ParseException | InvalidArgumentException | SipException e) {
      throw new IllegalStateException("a BYE from a parsed dialog always builds", e);
    }
  }

  /** Sent where the dialog says each party is (NAT-safe), as its in-dialog requests go. */
  private void send(SIPRequest bye, InetSocketAddress party, Transport transport) {
    forwarding.transactions().startClient(bye, transport, party, 0, IGNORED);
  }
}
