package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.pool.HandOverSeal;
import io.trunkline.sip.pool.Members;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.6 on the proxy at 127.0.0.1:5060: what a forwarded request looks like. */
class RequestForwarderTest {

  private static final InetSocketAddress POD = new InetSocketAddress("10.244.0.7", 5060);
  private static final InetSocketAddress OTHER_POD = new InetSocketAddress("10.244.0.8", 5060);

  private final SentMessages sent = new SentMessages();
  private final RequestForwarder forwarder =
      forwarder("127.0.0.1", Members.alone(new InetSocketAddress("127.0.0.1", 5060)));

  /** A pool's member at {@link #POD} with one other, advertising the trunk's name. */
  private final RequestForwarder pooled =
      forwarder("sip.example.com", new Members(POD, List.of(OTHER_POD)));

  /** A forwarder whose sends are kept in {@link #sent}. */
  private RequestForwarder forwarder(String advertised, Members members) {
    return new RequestForwarder(
        new SipProxy.Settings(advertised, 5060, 5061),
        sent,
        members,
        new HandOverSeal(new byte[32], Clock.systemUTC()));
  }

  @Test
  void takesItsOwnRouteOffAndFollowsTheNext() {
    SIPRequest request =
        parse(
            SampleMessages.INVITE.replace(
                "Max-Forwards: 70\r\n",
                "Max-Forwards: 70\r\nRoute: <sip:127.0.0.1:5060;lr>, <sip:127.0.0.10:5070;lr>\r\n"));

    SIPRequest forwarded = forwarder.forwardedRequest(request, null, false);

    assertThat(forwarded.getRouteHeaders()).hasSize(1);
    assertThat(forwarded.getMaxForwards().getMaxForwards()).isEqualTo(69);
    assertThat(forwarded.getRecordRouteHeaders()).isNull();
    assertThat(forwarder.nextHop(forwarded, null, request.getFromTag()))
        .isEqualTo(
            new RequestForwarder.Hop(new InetSocketAddress("127.0.0.10", 5070), Transport.UDP));
  }

  @Test
  void refusesToSendARequestToItself() {
    SIPRequest request =
        parse(
            SampleMessages.INVITE.replace(
                "INVITE sip:+4930123456@127.0.0.1:5060", "INVITE sip:x@127.0.0.1"));

    SIPRequest forwarded = forwarder.forwardedRequest(request, null, true);

    assertThat(forwarded.getRecordRouteHeaders().getFirst().toString())
        .contains("<sip:127.0.0.1:5060;lr>");
    assertThat(forwarder.nextHop(forwarded, null, request.getFromTag())).isNull();
  }

  @Test
  void recognisesALoopButNotASpiral() {
    SIPRequest original = parse(SampleMessages.INVITE);
    String ours = RequestForwarder.branch(original, 1);
    String back =
        SampleMessages.INVITE.replace(
            "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-74bf9\r\n",
            "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-next\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch="
                + ours
                + "\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK-74bf9\r\n");

    assertThat(forwarder.looped(parse(back))).isTrue();
    // §16.3 step 4: a spiral comes back with another Request-URI and is served again.
    assertThat(
            forwarder.looped(
                parse(back.replace("INVITE sip:+4930123456@", "INVITE sip:+4930999@"))))
        .isFalse();
  }

  @Test
  void passesAStrayResponseOnToTheNextViaWhereItReallyCameFrom() {
    SIPResponse response =
        (SIPResponse)
            parseMessage(
                "SIP/2.0 200 OK\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtl-x\r\n"
                    + "Via: SIP/2.0/UDP 10.0.0.7:5070;branch=z9hG4bK-a;received=127.0.0.2;rport=41000\r\n"
                    + "From: <sip:a@127.0.0.2>;tag=1\r\n"
                    + "To: <sip:b@127.0.0.1>;tag=2\r\n"
                    + "Call-ID: stray@127.0.0.2\r\n"
                    + "CSeq: 1 INVITE\r\n"
                    + "Content-Length: 0\r\n\r\n");

    forwarder.forwardStray(response);

    assertThat(sent.destinations).containsExactly(new InetSocketAddress("127.0.0.2", 41000));
    assertThat(response.getViaHeaders()).hasSize(1);
  }

  @Test
  void inAPoolTheRecordRouteNamesTheProxyThatHoldsTheDialog() {
    SIPRequest forwarded = pooled.forwardedRequest(parse(SampleMessages.INVITE), null, true);

    assertThat(forwarded.getHeader("Record-Route").toString())
        .contains("sip:sip.example.com:5060;lr;tl-owner=10.244.0.7:5060");
    SIPRequest bye =
        parse(
            SampleMessages.INVITE.replace(
                "Max-Forwards: 70\r\n",
                "Max-Forwards: 70\r\nRoute: <sip:sip.example.com:5060;lr;tl-owner=10.244.0.7:5060>\r\n"));
    assertThat(pooled.markedOwner(bye)).isEqualTo(POD);
    assertThat(forwarder.markedOwner(parse(SampleMessages.INVITE))).isNull();
  }

  @Test
  void aRequestHandedOverByAMemberIsToldFromOneAPhoneSent() {
    SIPRequest invite = parse(SampleMessages.INVITE);

    pooled.handOver(invite, OTHER_POD);

    SIPRequest handedOver = sent.request(0);
    assertThat(RequestForwarder.handedOverBy(handedOver, POD)).isTrue();
    assertThat(RequestForwarder.handedOverBy(handedOver, new InetSocketAddress("10.244.0.9", 5060)))
        .as("another sender than the Via's")
        .isFalse();
    InetSocketAddress phone =
        new InetSocketAddress(
            invite.getTopmostVia().getHost(),
            invite.getTopmostVia().getPort() > 0 ? invite.getTopmostVia().getPort() : 5060);
    assertThat(RequestForwarder.handedOverBy(invite, phone))
        .as("the phone's own request")
        .isFalse();
  }

  private static SIPRequest parse(String text) {
    return (SIPRequest) parseMessage(text);
  }

  private static SIPMessage parseMessage(String text) {
    return SampleMessages.parsed(text);
  }
}
