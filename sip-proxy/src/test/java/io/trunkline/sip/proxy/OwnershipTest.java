package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.transaction.ManualScheduler;
import io.trunkline.sip.transaction.TransactionLayer;
import io.trunkline.sip.transaction.TransactionTimers;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pool of three proxies seen from the one at 127.0.0.21: which requests it keeps. */
class OwnershipTest {

  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.21", 5060);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.22", 5060);
  private static final InetSocketAddress C = new InetSocketAddress("127.0.0.23", 5060);

  /** A member this one has not found yet: a pod that has just started. */
  private static final InetSocketAddress D = new InetSocketAddress("127.0.0.24", 5060);

  private static final byte[] POOL_KEY = new byte[32];

  private final SentMessages sent = new SentMessages();
  private final Members members = new Members(A, List.of(B, C));
  private final HandOverSeal seal = new HandOverSeal(POOL_KEY, Clock.systemUTC());
  private final RequestForwarder requests =
      new RequestForwarder(new SipProxy.Settings("127.0.0.21", 5060, 5061), sent, members, seal);
  private final TransactionLayer transactions =
      new TransactionLayer(sent, TransactionTimers.RFC_3261, new ManualScheduler());
  private final Ownership ownership =
      new Ownership(members, seal, requests, transactions, new Dialogs());

  @Test
  void newCallsSpreadOverThePoolByCallId() {
    List<InetSocketAddress> owners = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      owners.add(members.ownerOfNewCall("call-" + i + "@pbx"));
    }

    // Each proxy owns about a third; none is left out, whatever the one PBX sends to.
    for (InetSocketAddress member : List.of(A, B, C)) {
      assertThat(owners.stream().filter(member::equals).count()).isBetween(60L, 140L);
    }
    SIPRequest invite = parse(SampleMessages.INVITE);
    InetSocketAddress owner = members.ownerOfNewCall(invite.getCallId().getCallId());
    assertThat(ownership.ownerElsewhere(invite)).isEqualTo(owner.equals(A) ? null : owner);
  }

  @Test
  void aJoiningMemberTakesOnlyNewCallsThatHashToIt() {
    List<InetSocketAddress> before = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      before.add(members.ownerOfNewCall("call-" + i));
    }
    InetSocketAddress d = new InetSocketAddress("127.0.0.24", 5060);
    members.update(List.of(B, C, d));

    for (int i = 0; i < 300; i++) {
      InetSocketAddress now = members.ownerOfNewCall("call-" + i);
      assertThat(now).isIn(before.get(i), d);
    }
  }

  @Test
  void anInDialogRequestGoesToTheOwnerItsRouteNames() {
    SIPRequest bye =
        parse(
            SampleMessages.INVITE
                .replace("INVITE sip:", "BYE sip:")
                .replace("CSeq: 1 INVITE", "CSeq: 2 BYE")
                .replace("To: <sip:+4930123456@127.0.0.1>", "To: <sip:+4930123456@127.0.0.1>;tag=x")
                .replace(
                    "Max-Forwards: 70\r\n",
                    "Max-Forwards: 70\r\nRoute: <sip:127.0.0.21:5060;lr;tl-owner=127.0.0.23:5060>\r\n"));

    assertThat(ownership.ownerElsewhere(bye)).isEqualTo(C);
    assertThat(
            ownership.ownerElsewhere(
                parse(
                    bye.encode().replace("tl-owner=127.0.0.23:5060", "tl-owner=127.0.0.21:5060"))))
        .isNull();
    // A mark that is not an address is not followed (nothing makes the proxy resolve a name):
    // the request goes where its Call-ID hashes, as one without a mark would.
    InetSocketAddress hashed = members.ownerOfNewCall(bye.getCallId().getCallId());
    assertThat(
            ownership.ownerElsewhere(
                parse(
                    bye.encode()
                        .replace("tl-owner=127.0.0.23:5060", "tl-owner=evil.example:5060"))))
        .isEqualTo(hashed.equals(A) ? null : hashed);
  }

  @Test
  void registrationsAndAnInvitesOwnCancelStayWhereTheyArrive() {
    SIPRequest register =
        parse(
            SampleMessages.INVITE
                .replace("INVITE sip:+4930123456@", "REGISTER sip:")
                .replace("CSeq: 1 INVITE", "CSeq: 1 REGISTER"));
    assertThat(ownership.ownerElsewhere(register)).isNull();

    // An INVITE this proxy holds a transaction for: its CANCEL is served here.
    SIPRequest invite = parse(SampleMessages.INVITE);
    transactions.arrive(
        new InboundMessage(
            invite, Transport.UDP, new InetSocketAddress("127.0.0.2", 5070), A, null));
    SIPRequest cancel =
        parse(
            SampleMessages.INVITE
                .replace("INVITE sip:", "CANCEL sip:")
                .replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL"));
    assertThat(ownership.ownerElsewhere(cancel)).isNull();
  }

  @Test
  void theSenderOfAHandedOverRequestIsTheOneThePeerSaw() {
    requests.handOver(
        parse(
            SampleMessages.INVITE.replace(
                "branch=z9hG4bK-74bf9", "branch=z9hG4bK-74bf9;received=10.1.2.3;rport=40000")),
        B);

    SIPRequest handed = sent.request(0);
    assertThat(handed.getTopmostVia().getHost()).isEqualTo("127.0.0.21");
    assertThat(handed.getTopmostVia().getBranch())
        .isEqualTo(RequestForwarder.statelessBranch(parse(SampleMessages.INVITE)));
    assertThat(handed.getMaxForwards().getMaxForwards()).isEqualTo(69);
    assertThat(ownership.sender(handed, A)).isEqualTo(new InetSocketAddress("10.1.2.3", 40000));
  }

  @Test
  void aCallHandedOverByAMemberNotFoundYetIsTrustedByItsSealAndSeenFromThePbx() throws Exception {
    SIPRequest fromPbx =
        parse(
            SampleMessages.INVITE.replace(
                "branch=z9hG4bK-74bf9", "branch=z9hG4bK-74bf9;received=10.1.2.3;rport=40000"));
    SIPRequest handed = handedOverBy(D, POOL_KEY, fromPbx);

    assertThat(members.isPeer(D)).as("not found yet").isFalse();
    assertThat(ownership.sealedByMember(handed)).isTrue();
    assertThat(ownership.sender(handed, D)).isEqualTo(new InetSocketAddress("10.1.2.3", 40000));

    byte[] otherPool = new byte[32];
    otherPool[0] = 1;
    SIPRequest foreign = handedOverBy(D, otherPool, fromPbx);
    assertThat(ownership.sealedByMember(foreign)).as("another pool's seal").isFalse();
    assertThat(ownership.sender(foreign, D)).as("its own Via is the sender's").isEqualTo(D);

    // The caller's address, which the owner trusts as the source, is under the seal.
    SIPRequest moved = handedOverBy(D, POOL_KEY, fromPbx);
    moved.getViaHeaders().get(1).setParameter("received", "10.9.9.9");
    assertThat(ownership.sealedByMember(moved)).isFalse();
  }

  /** {@code request} as the member at {@code member}, sealing with {@code key}, hands it to A. */
  private SIPRequest handedOverBy(InetSocketAddress member, byte[] key, SIPRequest request) {
    int before = sent.count();
    new RequestForwarder(
            new SipProxy.Settings("127.0.0.24", 5060, 5061),
            sent,
            new Members(member, List.of(A)),
            new HandOverSeal(key, Clock.systemUTC()))
        .handOver(request, A);
    return sent.request(before);
  }

  @Test
  void aLeavingProxyPassesANewCallOnToAnotherThanItsSenderAndTheOwnerStillSeesThePbx() {
    SIPRequest invite = parse(SampleMessages.INVITE);
    assertThat(ownership.ownerWhileLeaving(invite, B)).isNull();
    assertThat(members.owners()).isEqualTo(3);

    members.leave();
    assertThat(members.owners()).as("the others own new calls").isEqualTo(2);
    assertThat(members.size()).as("it is still a member").isEqualTo(3);
    InetSocketAddress next = ownership.ownerWhileLeaving(invite, B);

    assertThat(next).isEqualTo(C);
    // Handed over twice (B, then this leaving proxy): the owner still finds the PBX below both.
    SIPRequest twice =
        parse(
            SampleMessages.INVITE.replace(
                "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-74bf9\r\n",
                "Via: SIP/2.0/UDP 127.0.0.21:5060;branch=z9hG4bKtl1\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.22:5060;branch=z9hG4bKtl2\r\n"
                    + "Via: SIP/2.0/UDP pbx.example.com:5070;branch=z9hG4bK-74bf9"
                    + ";received=10.1.2.3;rport=40000\r\n"));
    assertThat(ownership.sender(twice, A)).isEqualTo(new InetSocketAddress("10.1.2.3", 40000));
  }

  @Test
  void aLeavingProxySendsTheCancelAndTheChallengeAckOfACallItPassedOnAfterIt() {
    members.leave();
    SIPRequest invite = parse(SampleMessages.INVITE);
    InetSocketAddress next = ownership.ownerWhileLeaving(invite, B);
    SIPRequest cancel =
        parse(
            SampleMessages.INVITE
                .replace("INVITE sip:", "CANCEL sip:")
                .replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL"));
    SIPRequest challengeAck =
        parse(
            SampleMessages.INVITE
                .replace("INVITE sip:", "ACK sip:")
                .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
                .replace(
                    "To: <sip:+4930123456@127.0.0.1>", "To: <sip:+4930123456@127.0.0.1>;tag=407"));

    assertThat(ownership.ownerWhileLeaving(cancel, B)).isEqualTo(next).isNotNull();
    assertThat(ownership.ownerWhileLeaving(challengeAck, B)).isEqualTo(next);

    // A call this proxy took before it began to leave: its ACK and CANCEL stay with it.
    transactions.arrive(
        new InboundMessage(
            invite, Transport.UDP, new InetSocketAddress("127.0.0.2", 5070), A, null));
    assertThat(ownership.ownerWhileLeaving(challengeAck, B)).isNull();
    assertThat(ownership.ownerWhileLeaving(cancel, B)).isNull();
  }

  private static SIPRequest parse(String text) {
    return (SIPRequest) SampleMessages.parsed(text);
  }
}
