package io.trunkline.sip.proxy;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.transaction.TransactionLayer;
import java.net.InetSocketAddress;
import javax.sip.message.Request;

/**
 * Which proxy of the pool a request arriving here belongs to. A dialog's requests belong to the
 * proxy its Record-Route names (the owner mark), whichever proxy they reach: kube-proxy pins a UDP
 * flow to one pod, and phones and carriers send in-dialog requests to the trunk's one address. A
 * new call belongs to the proxy its Call-ID hashes to ({@link Members#ownerOfNewCall}), and its
 * CANCEL and ACK follow it there, as do the requests of a dialog without an owner mark. REGISTER
 * and OPTIONS belong to whichever proxy they reach, since registrations live in the pool's store.
 */
final class Ownership {

  private final Members members;
  private final HandOverSeal seal;
  private final RequestForwarder requests;
  private final TransactionLayer transactions;
  private final Dialogs dialogs;

  Ownership(
      Members members,
      HandOverSeal seal,
      RequestForwarder requests,
      TransactionLayer transactions,
      Dialogs dialogs) {
    this.members = members;
    this.seal = seal;
    this.requests = requests;
    this.transactions = transactions;
    this.dialogs = dialogs;
  }

  /**
   * Whether {@code request} was handed over by a member of the pool that this one may not have
   * found yet: its top Via carries the pool's seal. The caller checks that this Via names the
   * address the request came from ({@link RequestForwarder#handedOverBy}).
   */
  boolean sealedByMember(SIPRequest request) {
    ViaList vias = request.getViaHeaders();
    return vias != null && sealed(vias, 0, request.getCallId().getCallId());
  }

  private boolean sealed(ViaList vias, int index, String callId) {
    Via below = index + 1 < vias.size() ? (Via) vias.get(index + 1) : null;
    return seal.sealed((Via) vias.get(index), below, callId);
  }

  /** The proxy of the pool that owns {@code request}, or null when this one does. */
  InetSocketAddress ownerElsewhere(SIPRequest request) {
    String method = request.getMethod();
    if (Request.REGISTER.equals(method) || Request.OPTIONS.equals(method)) {
      return null;
    }
    InetSocketAddress owner = requests.markedOwner(request);
    if (owner == null) {
      String callId = request.getCallId().getCallId();
      if (transactions.inviteFor(request) != null || dialogs.get(callId) != null) {
        // An INVITE's CANCEL or ACK, or a request of a dialog, that this proxy holds.
        return null;
      }
      // A new call; or the CANCEL, ACK or in-dialog request of one whose far end did not copy
      // the Record-Route (§12.1.1 says it must): the owner its Call-ID hashed to.
      owner = members.ownerOfNewCall(callId);
    }
    return owner.equals(members.self()) ? null : owner;
  }

  /**
   * Where a new call {@code peer} handed to this proxy goes instead, while this proxy leaves the
   * pool (the peer may not know yet): another member than the peer; null to serve it here. Each
   * leaving member passes it on to one that is neither itself nor the sender, and Max-Forwards
   * bounds the rest. The call's CANCEL, and the ACK of a final response it got before any dialog (a
   * 407 challenge), follow it to the same member when this proxy holds neither its transaction nor
   * its dialog: same Call-ID, same peer. Served here instead, that ACK would leave the member's
   * response retransmitting until Timer H, into a caller that has long moved on.
   */
  InetSocketAddress ownerWhileLeaving(SIPRequest request, InetSocketAddress peer) {
    if (!members.leaving() || !(newCall(request) || followsPassedOnCall(request))) {
      return null;
    }
    InetSocketAddress owner = members.ownerOfNewCall(request.getCallId().getCallId(), peer);
    return owner.equals(members.self()) ? null : owner;
  }

  private static boolean newCall(SIPRequest request) {
    return Request.INVITE.equals(request.getMethod()) && request.getToTag() == null;
  }

  private boolean followsPassedOnCall(SIPRequest request) {
    String method = request.getMethod();
    return (Request.ACK.equals(method) || Request.CANCEL.equals(method))
        && transactions.inviteFor(request) == null
        && dialogs.get(request.getCallId().getCallId()) == null;
  }

  /**
   * The sender of a request that {@code peer} handed over: the first Via below those of the pool's
   * proxies (found members, or sealed; a leaving proxy may have passed it on once more), where the
   * first proxy noted the address it came from (received, rport). Never a name to resolve.
   */
  InetSocketAddress sender(SIPRequest request, InetSocketAddress peer) {
    ViaList vias = request.getViaHeaders();
    if (vias == null) {
      return peer;
    }
    String callId = request.getCallId().getCallId();
    for (int i = 0; i < vias.size(); i++) {
      Via via = (Via) vias.get(i);
      int port = via.getPort() > 0 ? via.getPort() : 5060;
      String host = Members.addressLiteral(via.getHost());
      if (host != null && members.isMember(new InetSocketAddress(host, port))
          || sealed(vias, i, callId)) {
        continue;
      }
      String received =
          via.getReceived() != null ? Members.addressLiteral(via.getReceived()) : host;
      return received == null
          ? peer
          : new InetSocketAddress(received, via.getRPort() > 0 ? via.getRPort() : port);
    }
    return peer;
  }
}
