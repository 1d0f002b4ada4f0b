package io.trunkline.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.transport.InboundMessage;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The server transaction state machines of RFC 3261 §17.2 on a test clock (T1 500 ms, T2 4 s, T4 5
 * s): absorbing retransmitted requests, Timers G, H and I for a final INVITE error, J for the rest,
 * and RFC 6026's Accepted state after a 2xx.
 */
class ServerTransactionTest {

  private static final InetSocketAddress PBX = new InetSocketAddress("127.0.0.2", 5070);
  private static final String CALL_ID = "3848276298220188511@127.0.0.2";
  private static final String ACK =
      SampleMessages.INVITE
          .replace("INVITE sip:", "ACK sip:")
          .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
          .replace("To: <sip:+4930123456@127.0.0.1>", "To: <sip:+4930123456@127.0.0.1>;tag=t");

  private final ManualScheduler clock = new ManualScheduler();
  private final RecordingSender wire = new RecordingSender(clock);
  private final TransactionLayer layer =
      new TransactionLayer(wire, TransactionTimers.RFC_3261, clock);

  @Test
  void answersARetransmittedRequestWithTheLastResponseInsteadOfHandlingItAgain() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.UDP);
    tx.respond(tx.request().createResponse(100));

    assertThat(layer.arrive(inbound(SampleMessages.INVITE, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Absorbed.class);
    assertThat(wire.times("SIP/2.0 100")).containsExactly(0L, 0L);
  }

  @Test
  void retransmitsAFinalInviteErrorUpToT2UntilTimerH() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.UDP);

    tx.respond(response(tx.request(), 486));
    clock.advance(40_000);

    // Timer G doubles from T1 and stays at T2 (§17.2.1); Timer H ends it after 64 x T1.
    assertThat(wire.times("SIP/2.0 486"))
        .startsWith(0L, 500L, 1500L, 3500L, 7500L, 11500L)
        .last()
        .isEqualTo(31500L);
    assertThat(layer.size()).isZero();
  }

  @Test
  void stopsAtTheAckAndAbsorbsAckCopiesForT4() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.UDP);
    tx.respond(response(tx.request(), 486));
    clock.advance(600);

    assertThat(layer.arrive(inbound(ACK, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Absorbed.class);
    clock.advance(4_000);
    assertThat(layer.arrive(inbound(ACK, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Absorbed.class);
    clock.advance(1_000);

    assertThat(wire.times("SIP/2.0 486")).containsExactly(0L, 500L);
    assertThat(layer.size()).isZero(); // Timer I: T4 after the first ACK
  }

  @Test
  void sendsAFinalErrorOnceOverAStream() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.TCP);

    tx.respond(response(tx.request(), 486));
    clock.advance(10_000);

    assertThat(wire.times("SIP/2.0 486")).containsExactly(0L);
  }

  @Test
  void keepsAnsweringANonInviteRetransmissionForTimerJ() {
    String options =
        SampleMessages.INVITE
            .replace("INVITE sip:", "OPTIONS sip:")
            .replace("CSeq: 1 INVITE", "CSeq: 1 OPTIONS");
    ServerTransaction tx = fresh(options, Transport.UDP);
    tx.respond(response(tx.request(), 200));

    clock.advance(31_999);
    assertThat(layer.arrive(inbound(options, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Absorbed.class);
    clock.advance(1);

    assertThat(wire.times("SIP/2.0 200")).containsExactly(0L, 31_999L);
    assertThat(layer.arrive(inbound(options, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Fresh.class);
  }

  @Test
  void leavesRetransmittedInvitesUnansweredOnceAcceptedSoThe2xxComesFromTheCallee() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.UDP);
    tx.respond(response(tx.request(), 200));

    assertThat(layer.arrive(inbound(SampleMessages.INVITE, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Absorbed.class);

    // RFC 6026 §7.1: the callee's UAS core retransmits its 2xx, not the proxy.
    assertThat(wire.times("SIP/2.0 200")).containsExactly(0L);
    assertThat(layer.arrive(inbound(ACK, Transport.UDP)))
        .isInstanceOf(TransactionLayer.Arrival.Stateless.class);
  }

  /**
   * The Call-ID goes with the final response, as the request does (decision 0026): the call keeps
   * one copy for all its lingering transactions. Timer G still runs on the call's worker.
   */
  @Test
  void letsItsCallIdGoWithTheFinalResponseYetRetransmitsOnTheCallsWorker() {
    ServerTransaction tx = fresh(SampleMessages.INVITE, Transport.UDP);
    SIPResponse busy = response(tx.request(), 486);
    tx.respond(tx.request().createResponse(100));
    assertThat(tx.callId()).isEqualTo(CALL_ID);

    tx.respond(busy);
    assertThat(tx.callId()).isNull();
    clock.advance(1_600);

    assertThat(wire.times("SIP/2.0 486")).containsExactly(0L, 500L, 1500L);
    assertThat(clock.callIds).contains(CALL_ID).doesNotContainNull();
  }

  private ServerTransaction fresh(String text, Transport transport) {
    TransactionLayer.Arrival arrival = layer.arrive(inbound(text, transport));
    assertThat(arrival).isInstanceOf(TransactionLayer.Arrival.Fresh.class);
    return ((TransactionLayer.Arrival.Fresh) arrival).transaction();
  }

  private static InboundMessage inbound(String text, Transport transport) {
    SIPRequest request = ClientTransactionTest.parse(text);
    return new InboundMessage(request, transport, PBX, null, null);
  }

  private static SIPResponse response(SIPRequest request, int status) {
    SIPResponse response = request.createResponse(status);
    try {
      response.getTo().setTag("t");
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
    return response;
  }
}
