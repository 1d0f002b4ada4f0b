package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.sip.auth.DigestClient;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.health.CarrierProber;
import io.trunkline.sip.message.Responses;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.routing.CallTarget;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transaction.ServerTransaction;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.InvalidArgumentException;
import javax.sip.header.Header;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Response;

/**
 * One INVITE on its way through the proxy (RFC 3261 §16): its targets in groups, tried group after
 * group. Branches of a group run in parallel (a line's registered phones ring together, §16.6);
 * carriers are one group each, in failover order, and a carrier that answers 408 or 5xx, or sends
 * no provisional response in the failover time, hands the call to the next one. The best final
 * response (§16.7.6) goes upstream when nothing is left to try.
 *
 * <p>The call exists from the moment it is admitted, before its media offer is anchored on a relay,
 * so a CANCEL during that offer ends it at once (§9.2: 200 to the CANCEL, 487 to the INVITE). Runs
 * on the call's worker; the lock guards against the few callers that are not (closing, tests).
 *
 * <p>Once answered it only passes on the answer's retransmissions for as long as its transaction
 * lingers (RFC 6026 §8.4 Timer M, 32 s over UDP), so it lets the INVITE and the targets go then.
 */
final class InviteForwarder implements ClientTransaction.Listener {

  private final Forwarding forwarding;
  private final ServerTransaction server;
  private final String callId;
  private final String callerTag;
  private final long callerCseq;
  private final ServedTrunk trunk;
  private CallChannels channels;
  private final long provisionalTimeoutMillis;
  private Runnable ended;
  private Map<ClientTransaction, Branch> branches = new HashMap<>();
  private List<List<CallTarget>> groups;
  private SIPRequest invite;
  private String offer;
  private int group = -1;
  private int attempts;
  private long cseqOffset;
  private SIPResponse best;
  private boolean answered;
  private boolean finished;
  private boolean cancelled;

  /** A branch's target and whether it already answered a challenge (one try each, §22.2). */
  private record Branch(CallTarget target, boolean authenticated) {}

  /**
   * @param ended told once the call no longer needs its setup state (answered, refused or
   *     cancelled), so that a CANCEL no longer finds it
   */
  InviteForwarder(
      Forwarding forwarding,
      ServerTransaction server,
      ServedTrunk trunk,
      CallChannels channels,
      List<List<CallTarget>> groups,
      Runnable ended) {
    this.forwarding = forwarding;
    this.server = server;
    this.invite = server.request();
    this.callId = server.callId();
    this.callerTag = invite.getFromTag();
    this.callerCseq = invite.getCSeq().getSeqNumber();
    this.trunk = trunk;
    this.channels = channels;
    this.groups = groups;
    this.ended = ended;
    this.provisionalTimeoutMillis = trunk.config().failover().inviteTimeoutMillis();
  }

  /** Forwards the INVITE as it came (media bypasses the relays). */
  synchronized void start() {
    nextGroup();
  }

  /**
   * Forwards the INVITE once a relay has anchored its offer; the call's worker takes the relay's
   * answer. A relay that fails the offer fails the call clearly: a call without its media path
   * would be silent.
   */
  void startAnchored(CompletableFuture<String> anchoredOffer) {
    anchoredOffer.whenCompleteAsync(this::anchored, forwarding.workers().of(callId));
  }

  private synchronized void anchored(String sdp, Throwable failure) {
    if (finished) {
      // Cancelled while the relay was asked: the session it opened goes at once, not on idling.
      forwarding.media().release(callId, callerTag);
      return;
    }
    if (failure != null) {
      forwarding.metrics().reject(RejectReason.UNAVAILABLE);
      finish(
          Responses.withRetryAfter(
              Responses.of(invite, Response.SERVICE_UNAVAILABLE, "Media Relay Unavailable"), 5));
      return;
    }
    offer = sdp;
    nextGroup();
  }

  /** The caller sent CANCEL (§16.10): cancel every pending branch, try nothing new. */
  synchronized void cancel() {
    if (finished) {
      return;
    }
    cancelled = true;
    branches.keySet().forEach(ClientTransaction::cancel);
    if (branches.isEmpty()) {
      finish(Responses.of(invite, Response.REQUEST_TERMINATED, null));
    }
  }

  @Override
  public synchronized void onResponse(ClientTransaction transaction, SIPResponse response) {
    int status = response.getStatusCode();
    Branch branch = branches.get(transaction);
    if (status == Response.TRYING) {
      return; // hop by hop: the proxy sent its own (§16.7 step 3)
    }
    if (status < 300 && status >= 200) {
      // Every 2xx goes upstream, retransmissions and forks included (§16.7 step 5); the caller's
      // ACK is end to end.
      if (!answered) {
        answered = true;
        finished = true;
        forwarding.dialogs().add(dialog(transaction, response));
        branches.keySet().stream().filter(t -> t != transaction).forEach(ClientTransaction::cancel);
        forwarding.metrics().response(status);
        end();
        // What is left is passing on 2xx responses: the dialog holds the parties and channels now,
        // and other branches' answers to their CANCELs change nothing. This lingers with the
        // INVITE's client transaction (Timer M, 32 s over UDP), a heap's worth at thousands of
        // calls a second, so what it no longer needs goes; no branch is added again (0033).
        invite = null;
        groups = List.of();
        branches = Collections.emptyMap();
        channels = null;
        best = null;
      }
      forwardUp(response);
      return;
    }
    if (branch == null || finished) {
      return;
    }
    if (status < 200) {
      forwardUp(response);
      return;
    }
    branches.remove(transaction);
    if (status == Response.SERVICE_UNAVAILABLE && branch.target().carrier() != null) {
      carrierUnavailable(branch.target().carrier(), response);
    }
    if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
        && !branch.authenticated()
        && !cancelled
        && retryWithCredentials(branch, transaction, response)) {
      return;
    }
    if (best == null || better(response, best)) {
      best = response;
    }
    if (status >= 600) {
      // A global failure: nobody else will take the call either (§16.7 step 5, §21.6).
      branches.keySet().forEach(ClientTransaction::cancel);
      group = groups.size();
    }
    if (branches.isEmpty()) {
      groupDone();
    }
  }

  @Override
  public synchronized void onTimeout(ClientTransaction transaction, boolean provisional) {
    branchFailed(transaction, CarrierProber.Failure.TIMEOUT);
  }

  /** The network refused the INVITE (a refused connection, an unreachable port): next target. */
  @Override
  public synchronized void onUnreachable(ClientTransaction transaction) {
    branchFailed(transaction, CarrierProber.Failure.UNREACHABLE);
  }

  private void branchFailed(ClientTransaction transaction, CarrierProber.Failure failure) {
    Branch branch = branches.remove(transaction);
    if (branch == null) {
      return;
    }
    if (branch.target().carrier() != null) {
      forwarding.carriers().failed(branch.target().carrier(), failure);
    }
    transaction.abandon();
    if (branches.isEmpty() && !finished) {
      groupDone();
    }
  }

  /**
   * A carrier's 503 says it cannot take calls now: for as long as its Retry-After says, else until
   * the probes find it well again (RFC 3261 §21.5.4).
   */
  private void carrierUnavailable(Carrier carrier, SIPResponse response) {
    RetryAfterHeader retryAfter = (RetryAfterHeader) response.getHeader(RetryAfterHeader.NAME);
    if (retryAfter != null && retryAfter.getRetryAfter() > 0) {
      forwarding.carriers().refusedFor(carrier, Duration.ofSeconds(retryAfter.getRetryAfter()));
    } else {
      forwarding.carriers().failed(carrier, CarrierProber.Failure.UNAVAILABLE);
    }
  }

  private void nextGroup() {
    group++;
    if (group >= groups.size()) {
      groupDone();
      return;
    }
    for (CallTarget target : groups.get(group)) {
      forward(target, null);
    }
  }

  private void groupDone() {
    if (finished) {
      return;
    }
    if (cancelled) {
      finish(Responses.of(invite, Response.REQUEST_TERMINATED, null));
      return;
    }
    boolean failedOver = best == null || failsOver(best.getStatusCode());
    boolean toCarriers = groups.stream().flatMap(List::stream).anyMatch(t -> t.carrier() != null);
    if (failedOver && group + 1 < groups.size()) {
      best = null;
      nextGroup();
      return;
    }
    if (toCarriers && failedOver) {
      forwarding.metrics().reject(RejectReason.UNAVAILABLE);
      finish(
          Responses.withRetryAfter(
              Responses.of(invite, Response.SERVICE_UNAVAILABLE, "No Carrier Available"), 5));
    } else if (best != null) {
      forwardUp(best);
      finished = true;
      release();
    } else {
      forwarding.metrics().reject(RejectReason.UNAVAILABLE);
      finish(Responses.of(invite, Response.TEMPORARILY_UNAVAILABLE, null));
    }
  }

  /**
   * Sends the INVITE on to one target.
   *
   * @param authorization the Authorization or Proxy-Authorization header answering the target's
   *     challenge, or null
   */
  private void forward(CallTarget target, Header authorization) {
    SIPRequest request = forwarding.requests().forwardedRequest(invite, target.requestUri(), true);
    if (offer != null) {
      SipHeaders.setSdp(request, offer);
    }
    forwarding
        .requests()
        .setVia(request, target.transport(), RequestForwarder.branch(invite, ++attempts));
    if (authorization != null) {
      try {
        CSeq cseq = (CSeq) request.getCSeq();
        cseq.setSeqNumber(cseq.getSeqNumber() + cseqOffset);
        request.addHeader(authorization);
      } catch (InvalidArgumentException e) {
        throw new IllegalStateException("CSeq numbers stay below 2^31 (§8.1.1.5)", e);
      }
    }
    ClientTransaction transaction =
        forwarding
            .transactions()
            .startClient(
                request, target.transport(), target.destination(), provisionalTimeoutMillis, this);
    branches.put(transaction, new Branch(target, authorization != null));
  }

  /** Answers a carrier's challenge with the trunk's login for it, once per branch (§22.2). */
  private boolean retryWithCredentials(
      Branch branch, ClientTransaction transaction, SIPResponse challenge) {
    if (branch.target().carrier() == null || !branch.target().carrier().authenticates()) {
      return false;
    }
    Login login = trunk.credentials().carriers().get(branch.target().carrier().name());
    Optional<Header> answer =
        login == null
            ? Optional.empty()
            : DigestClient.authorization(challenge, transaction.request(), login);
    if (answer.isEmpty()) {
      return false;
    }
    cseqOffset = 1;
    forward(branch.target(), answer.get());
    return true;
  }

  private Dialog dialog(ClientTransaction transaction, SIPResponse answer) {
    return new Dialog(
        callId,
        callerTag,
        server.inbound().origin(),
        server.inbound().transport(),
        transaction.destination(),
        transaction.transport(),
        cseqOffset,
        channels,
        forwarding.clock().instant(),
        Dialog.Parties.of(invite, answer),
        new AtomicLong(callerCseq + cseqOffset),
        new AtomicLong());
  }

  /** The answer (in a 2xx, or early media in a 18x) names the callee's media: anchored too. */
  private void forwardUp(SIPResponse response) {
    forwarding.upstream(
        response, callId, callerTag, offer != null && response.getStatusCode() < 300, this::send);
  }

  /** §16.7 step 6, simplified: 6xx first, then the lowest class, the first of equals. */
  private static boolean better(SIPResponse candidate, SIPResponse best) {
    return rank(candidate.getStatusCode()) < rank(best.getStatusCode());
  }

  private static int rank(int status) {
    return status >= 600 ? 0 : status / 100;
  }

  /** A carrier that times out or fails with 5xx hands the call to the next one. */
  private static boolean failsOver(int status) {
    return status == Response.REQUEST_TIMEOUT || (status >= 500 && status < 600);
  }

  private void send(SIPResponse upstream) {
    if (cseqOffset != 0) {
      try {
        upstream.getCSeq().setSeqNumber(callerCseq);
      } catch (InvalidArgumentException e) {
        throw new IllegalStateException("the caller's own CSeq is valid", e);
      }
    }
    server.respond(upstream);
    if (upstream.getStatusCode() >= 300) {
      forwarding.metrics().response(upstream.getStatusCode());
    }
  }

  private void finish(SIPResponse response) {
    finished = true;
    server.respond(response);
    forwarding.metrics().response(response.getStatusCode());
    release();
  }

  private void release() {
    if (!answered) {
      channels.release();
      forwarding.media().release(callId, callerTag);
    }
    end();
  }

  /** Tells {@code ended}, once: what it captured need not linger with the call. */
  private void end() {
    Runnable told = ended;
    ended = null;
    if (told != null) {
      told.run();
    }
  }
}
