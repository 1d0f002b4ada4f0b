package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.sip.auth.DigestClient;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.transaction.ClientTransaction;
import io.trunkline.sip.transaction.ServerTransaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sip.InvalidArgumentException;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyAuthenticateHeader;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Response;

/**
 * One INVITE on its way through the proxy (RFC 3261 §16): its targets in groups, tried group after
 * group. Branches of a group run in parallel (a line's registered phones ring together, §16.6);
 * carriers are one group each, in failover order, and a carrier that answers 408 or 5xx, or sends
 * no provisional response in the failover time, hands the call to the next one. The best final
 * response (§16.7.6) goes upstream when nothing is left to try. Guarded by its own lock; client
 * transactions call in without holding theirs.
 */
final class ProxyCall implements ClientTransaction.Listener {

  private final SipProxy proxy;
  private final ServerTransaction server;
  private final ServedTrunk trunk;
  private final Leases leases;
  private final List<List<CallTarget>> groups;
  private final long provisionalTimeoutMillis;
  private final String offer;
  private final Map<ClientTransaction, Branch> branches = new HashMap<>();
  private int group = -1;
  private int attempts;
  private long cseqOffset;
  private SIPResponse best;
  private boolean answered;
  private boolean finished;
  private boolean cancelled;

  /** A branch's target and whether it already answered a challenge (one try each, §22.2). */
  private record Branch(CallTarget target, boolean authenticated) {}

  ProxyCall(
      SipProxy proxy,
      ServerTransaction server,
      ServedTrunk trunk,
      Leases leases,
      List<List<CallTarget>> groups,
      String offer) {
    this.proxy = proxy;
    this.offer = offer;
    this.server = server;
    this.trunk = trunk;
    this.leases = leases;
    this.groups = groups;
    this.provisionalTimeoutMillis = trunk.config().failover().inviteTimeoutMillis();
  }

  /** The caller's tag, which names the call's relay session. */
  private String callerTag() {
    return server.request().getFromTag();
  }

  synchronized void start() {
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
      finish(proxy.response(server.request(), Response.REQUEST_TERMINATED, null));
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
        proxy.dialogs().add(dialog(transaction));
        branches.keySet().stream().filter(t -> t != transaction).forEach(ClientTransaction::cancel);
        proxy.metrics().response(status);
        proxy.callEnded(server);
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
    if ((status == Response.UNAUTHORIZED || status == Response.PROXY_AUTHENTICATION_REQUIRED)
        && !branch.authenticated()
        && !cancelled
        && retryWithCredentials(branch, transaction, response)) {
      return;
    }
    if (best == null || SipProxy.better(response, best)) {
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
    if (branches.remove(transaction) == null) {
      return;
    }
    transaction.abandon();
    if (branches.isEmpty() && !finished) {
      groupDone();
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
      finish(proxy.response(server.request(), Response.REQUEST_TERMINATED, null));
      return;
    }
    boolean failedOver = best == null || SipProxy.failsOver(best.getStatusCode());
    boolean toCarriers = groups.stream().flatMap(List::stream).anyMatch(t -> t.carrier() != null);
    if (failedOver && group + 1 < groups.size()) {
      best = null;
      nextGroup();
      return;
    }
    if (toCarriers && failedOver) {
      proxy.metrics().reject(RejectReason.UNAVAILABLE);
      finish(
          proxy.withRetryAfter(
              proxy.response(
                  server.request(), Response.SERVICE_UNAVAILABLE, "No Carrier Available"),
              5));
    } else if (best != null) {
      forwardUp(best);
      finished = true;
      release();
    } else {
      proxy.metrics().reject(RejectReason.UNAVAILABLE);
      finish(proxy.response(server.request(), Response.TEMPORARILY_UNAVAILABLE, null));
    }
  }

  /**
   * Sends the INVITE on to one target.
   *
   * @param authorization the Authorization or Proxy-Authorization header answering the target's
   *     challenge, or null
   */
  private void forward(CallTarget target, Header authorization) {
    SIPRequest request = proxy.forwardedRequest(server.request(), target.requestUri(), true);
    if (offer != null) {
      SipProxy.setSdp(request, offer);
    }
    proxy.setVia(request, target.transport(), SipProxy.branch(server.request(), ++attempts));
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
        proxy
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
    boolean proxyAuth = challenge.getStatusCode() == Response.PROXY_AUTHENTICATION_REQUIRED;
    String challengeName = proxyAuth ? ProxyAuthenticateHeader.NAME : WWWAuthenticateHeader.NAME;
    Header header = challenge.getHeader(challengeName);
    if (login == null || header == null) {
      return false;
    }
    Optional<String> answer =
        DigestClient.answer(
            SipProxy.headerValue(header),
            transaction.request().getMethod(),
            transaction.request().getRequestURI().toString(),
            login);
    if (answer.isEmpty()) {
      return false;
    }
    cseqOffset = 1;
    forward(
        branch.target(),
        SipProxy.header(
            proxyAuth ? ProxyAuthorizationHeader.NAME : AuthorizationHeader.NAME, answer.get()));
    return true;
  }

  private Dialog dialog(ClientTransaction transaction) {
    return new Dialog(
        server.request().getCallId().getCallId(),
        server.request().getFromTag(),
        server.inbound().remote(),
        server.inbound().transport(),
        transaction.destination(),
        transaction.transport(),
        cseqOffset,
        leases,
        proxy.now());
  }

  private void forwardUp(SIPResponse response) {
    SIPResponse upstream = (SIPResponse) response.clone();
    upstream.removeFirst(ViaHeader.NAME);
    String answer = offer == null ? null : SipProxy.sdp(upstream);
    if (answer != null && upstream.getStatusCode() < 300) {
      // The answer (in a 2xx, or early media in a 18x) names the callee's media: anchor it too.
      proxy
          .media()
          .answer(upstream.getCallId().getCallId(), callerTag(), upstream.getToTag(), answer)
          .whenComplete(
              (anchored, failure) -> {
                if (anchored != null) {
                  SipProxy.setSdp(upstream, anchored);
                }
                send(upstream);
              });
      return;
    }
    send(upstream);
  }

  private void send(SIPResponse upstream) {
    if (cseqOffset != 0) {
      try {
        upstream.getCSeq().setSeqNumber(server.request().getCSeq().getSeqNumber());
      } catch (InvalidArgumentException e) {
        throw new IllegalStateException("the caller's own CSeq is valid", e);
      }
    }
    server.respond(upstream);
    if (upstream.getStatusCode() >= 300) {
      proxy.metrics().response(upstream.getStatusCode());
    }
  }

  private void finish(SIPResponse response) {
    finished = true;
    server.respond(response);
    proxy.metrics().response(response.getStatusCode());
    release();
  }

  private void release() {
    if (!answered) {
      leases.release();
      proxy.media().release(server.request().getCallId().getCallId(), callerTag());
    }
    proxy.callEnded(server);
  }
}
