package io.trunkline.sip.proxy;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.sip.auth.Authenticator;
import io.trunkline.sip.auth.DigestAlgorithm;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.ProxyMetrics;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.Admission;
import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.routing.TargetResolver;
import io.trunkline.sip.transaction.ServerTransaction;
import io.trunkline.sip.transaction.TransactionLayer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.message.Response;

/**
 * Takes a new INVITE from its arrival to its forwarding: who calls (a carrier by address, a line or
 * the PBX by digest or source network), admission against the quotas (a store round trip in a pool,
 * continued on the call's worker), where the call goes, then the call itself ({@link
 * InviteForwarder}). A CANCEL finds the call at either step. A call from a line or the PBX to one
 * of the trunk's emergency numbers is authenticated as usual, then admitted past the rate, a busy
 * line and the channels (up to the trunk's extra ones) and sent to the emergency carriers, past
 * every RoutePolicy.
 */
final class CallSetup {

  /** A backlog is a burst's: it is worked off within seconds. */
  private static final int OVERLOAD_RETRY_AFTER = 2;

  private final Forwarding forwarding;
  private final Authenticator authenticator;
  private final Admission admission;
  private final TargetResolver targets;
  private final Map<ServerTransaction, InviteForwarder> calls = new ConcurrentHashMap<>();

  /** INVITEs waiting for their admission, which a CANCEL ends there. */
  private final Set<ServerTransaction> admitting = ConcurrentHashMap.newKeySet();

  CallSetup(
      Forwarding forwarding,
      Authenticator authenticator,
      Admission admission,
      TargetResolver targets) {
    this.forwarding = forwarding;
    this.authenticator = authenticator;
    this.admission = admission;
    this.targets = targets;
  }

  void invite(ServerTransaction tx, ServedTrunk trunk) {
    SIPRequest request = tx.request();
    // The trunk's spec.overload.maxBacklog: at tens of microseconds a message, the default is a
    // good part of T1 (500 ms), after which callers retransmit and add to the load (decision 0023).
    if (forwarding.workers().backlog(request.getCallId().getCallId())
            > trunk.config().overload().maxBacklog()
        && TargetResolver.emergencyNumber(trunk, request.getRequestURI()).isEmpty()) {
      // Refused at once, before any digest work: the caller may try elsewhere, where a call set up
      // this far behind would time out anyway. Never an emergency call (decision 0020).
      refuse(
          tx,
          Refusal.retryLater(
              Response.SERVICE_UNAVAILABLE,
              "Overloaded",
              OVERLOAD_RETRY_AFTER,
              RejectReason.OVERLOAD));
      return;
    }
    InetAddress source = tx.inbound().origin().getAddress();
    Optional<Carrier> fromCarrier = trunk.carrierAt(source);
    Line caller = null;
    if (fromCarrier.isEmpty()) {
      Optional<Line> line = trunk.lineByUser(userOf(request));
      if (line.isPresent()) {
        if (!authenticated(
            tx,
            trunk,
            trunk.credentials().lines().get(line.get().username()),
            trunk.digestAlgorithms(line.get()))) {
          return;
        }
        caller = line.get();
      } else if (!admitPbx(tx, trunk, source)) {
        return;
      }
    }
    // Counted once the caller is known: a challenged INVITE and its answer are one call.
    forwarding.metrics().call();
    // Only the trunk's own side dials emergency numbers; a carrier's call to one is ordinary.
    String emergency =
        fromCarrier.isPresent()
            ? null
            : TargetResolver.emergencyNumber(trunk, request.getRequestURI()).orElse(null);
    Line callee =
        emergency != null
            ? null
            : TargetResolver.calledLine(trunk, request.getRequestURI()).orElse(null);
    boolean fromCarrierSide = fromCarrier.isPresent();
    Line callingLine = caller;
    admitting.add(tx);
    CompletableFuture<Admission.Verdict> verdict;
    if (emergency != null) {
      forwarding.metrics().emergencyCall();
      verdict = admission.admitEmergency(trunk.config(), caller).toCompletableFuture();
    } else {
      verdict = admission.admit(trunk.config(), caller, callee).toCompletableFuture();
    }
    if (verdict.isDone()) {
      // Counted in this replica's memory: no hop to take.
      verdict.whenComplete(
          (v, failure) ->
              admitted(tx, trunk, fromCarrierSide, callingLine, callee, emergency, v, failure));
    } else {
      // Counted in the pool's store: back to the call's worker, where a CANCEL would run.
      verdict.whenCompleteAsync(
          (v, failure) ->
              admitted(tx, trunk, fromCarrierSide, callingLine, callee, emergency, v, failure),
          forwarding.workers().of(request.getCallId().getCallId()));
    }
  }

  /**
   * @param emergency the emergency number dialled, or null for an ordinary call
   */
  private void admitted(
      ServerTransaction tx,
      ServedTrunk trunk,
      boolean fromCarrier,
      Line caller,
      Line callee,
      String emergency,
      Admission.Verdict verdict,
      Throwable failure) {
    boolean cancelled = !admitting.remove(tx);
    if (failure != null || verdict instanceof Admission.Verdict.Refused) {
      if (!cancelled) {
        refuse(
            tx,
            failure != null
                ? Refusal.retryLater(
                    Response.SERVICE_UNAVAILABLE, "Quota Unavailable", 5, RejectReason.UNAVAILABLE)
                : ((Admission.Verdict.Refused) verdict).refusal());
      }
      return;
    }
    CallChannels channels = ((Admission.Verdict.Admitted) verdict).channels();
    if (cancelled) {
      channels.release();
      return;
    }
    SIPRequest request = tx.request();
    TargetResolver.Resolution resolution =
        emergency != null
            ? targets.emergency(trunk, emergency)
            : targets.resolve(trunk, request.getRequestURI(), fromCarrier, caller, callee);
    if (resolution instanceof TargetResolver.Resolution.Refused refused) {
      channels.release();
      refuse(tx, refused.refusal());
      return;
    }
    // §16.2: a stateful proxy answers 100 at once so the caller stops retransmitting.
    tx.respond(Responses.of(request, Response.TRYING, null));
    InviteForwarder call =
        new InviteForwarder(
            forwarding,
            tx,
            trunk,
            channels,
            ((TargetResolver.Resolution.Targets) resolution).groups(),
            () -> calls.remove(tx));
    calls.put(tx, call);
    String offer = SipHeaders.sdp(request);
    if (trunk.config().media().relay() && offer != null) {
      call.startAnchored(
          forwarding.media().offer(request.getCallId().getCallId(), request.getFromTag(), offer));
    } else {
      call.start();
    }
  }

  /** §16.10: a CANCEL is answered at once, then the call's branches are cancelled. */
  void cancel(ServerTransaction tx, TransactionLayer transactions) {
    ServerTransaction invite = transactions.inviteFor(tx.request());
    if (invite != null && admitting.remove(invite)) {
      // Still being admitted: the call ends here, and its channels go back once they are known.
      tx.respond(Responses.of(tx.request(), Response.OK, null));
      invite.respond(Responses.of(invite.request(), Response.REQUEST_TERMINATED, null));
      return;
    }
    InviteForwarder call = invite == null ? null : calls.get(invite);
    if (call == null) {
      tx.respond(Responses.of(tx.request(), Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
      return;
    }
    tx.respond(Responses.of(tx.request(), Response.OK, null));
    call.cancel();
  }

  /** A PBX is admitted by its source network, its digest credentials, or both when both are set. */
  private boolean admitPbx(ServerTransaction tx, ServedTrunk trunk, InetAddress source) {
    if (!trunk.pbxHasSources() && !trunk.pbxDigest()) {
      refuse(tx, Refusal.of(Response.FORBIDDEN, "Unknown Caller", RejectReason.AUTH));
      return false;
    }
    if (trunk.pbxHasSources() && !trunk.pbxAdmits(source)) {
      refuse(tx, Refusal.of(Response.FORBIDDEN, "Source Not Allowed", RejectReason.AUTH));
      return false;
    }
    return !trunk.pbxDigest()
        || authenticated(tx, trunk, trunk.credentials().pbx(), trunk.pbxDigestAlgorithms());
  }

  private boolean authenticated(
      ServerTransaction tx,
      ServedTrunk trunk,
      DigestSecret secret,
      List<DigestAlgorithm> algorithms) {
    Optional<SIPResponse> refused =
        authenticator.check(
            tx.request(),
            tx.inbound().origin().getAddress(),
            trunk.credentials().realm(),
            secret,
            algorithms,
            true);
    refused.ifPresent(tx::respond);
    return refused.isEmpty();
  }

  private void refuse(ServerTransaction tx, Refusal refusal) {
    refuse(tx, refusal, forwarding.metrics());
  }

  /** Answers with a stage's refusal, counted by its reason and status. */
  static void refuse(ServerTransaction tx, Refusal refusal, ProxyMetrics metrics) {
    SIPResponse response = Responses.of(tx.request(), refusal.status(), refusal.phrase());
    if (refusal.retryAfterSeconds() > 0) {
      Responses.withRetryAfter(response, refusal.retryAfterSeconds());
    }
    metrics.reject(refusal.counted());
    metrics.response(refusal.status());
    tx.respond(response);
  }

  private static String userOf(SIPRequest request) {
    return request.getFrom().getAddress().getURI() instanceof SipUri sip ? sip.getUser() : null;
  }
}
