package io.trunkline.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.trunkline.sip.SampleMessages;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client transaction state machines of RFC 3261 §17.1 on a test clock (T1 500 ms, T2 4 s, T4 5
 * s, Timer C 181 s): Timers A, B, C, D for INVITE, E, F, K for the rest, and CANCEL only once a
 * provisional response came (§9.1).
 */
class ClientTransactionTest {

  private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.10", 5060);

  private final ManualScheduler clock = new ManualScheduler();
  private final RecordingSender wire = new RecordingSender(clock);
  private final TransactionLayer layer =
      new TransactionLayer(wire, TransactionTimers.RFC_3261, clock);
  private final List<String> heard = new ArrayList<>();
  private final ClientTransaction.Listener listener =
      new ClientTransaction.Listener() {
        @Override
        public void onResponse(ClientTransaction transaction, SIPResponse response) {
          heard.add(clock.millis() + " " + response.getStatusCode());
        }

        @Override
        public void onTimeout(ClientTransaction transaction, boolean provisional) {
          heard.add(clock.millis() + (provisional ? " no provisional" : " timeout"));
        }
      };

  @Test
  void retransmitsAnInviteOverUdpAtDoublingIntervalsUntilTimerB() {
    layer.startClient(invite(), Transport.UDP, CARRIER, 0, listener);

    clock.advance(40_000);

    // Timer A: T1, then doubling (§17.1.1.2); Timer B: 64 x T1.
    assertThat(wire.times("INVITE")).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L);
    assertThat(heard).containsExactly("32000 timeout");
    assertThat(layer.size()).isZero();
  }

  @Test
  void stopsRetransmittingAnInviteOnceItRingsAndWaitsForTheCaller() {
    SIPRequest invite = invite();
    layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);
    clock.advance(600);

    layer.respond(invite.createResponse(180));
    clock.advance(60_000);

    assertThat(wire.times("INVITE")).containsExactly(0L, 500L);
    assertThat(heard).containsExactly("600 180");
  }

  @Test
  void sendsNoInviteRetransmissionsOverAStream() {
    layer.startClient(invite(), Transport.TCP, CARRIER, 0, listener);

    clock.advance(40_000);

    assertThat(wire.times("INVITE")).containsExactly(0L);
    assertThat(heard).containsExactly("32000 timeout");
  }

  @Test
  void givesUpOnACarrierThatSendsNoProvisionalResponseInTheFailoverTime() {
    layer.startClient(invite(), Transport.UDP, CARRIER, 2000, listener);

    clock.advance(2000);

    assertThat(heard).containsExactly("2000 no provisional");
  }

  @Test
  void acknowledgesAFinalErrorHopByHopAndAbsorbsItsRetransmissionsUntilTimerD() {
    SIPRequest invite = invite();
    layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);

    layer.respond(withToTag(invite.createResponse(486)));
    clock.advance(1000);
    layer.respond(withToTag(invite.createResponse(486)));

    // Each copy of the 486 is acknowledged; only the first goes up (§17.1.1.3).
    assertThat(wire.times("ACK")).containsExactly(0L, 1000L);
    assertThat(heard).containsExactly("0 486");
    clock.advance(31_000);
    assertThat(layer.size()).isZero();
  }

  @Test
  void cancelsAnInviteOnlyOnceAProvisionalResponseCame() {
    SIPRequest invite = invite();
    ClientTransaction transaction = layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);

    assertThat(transaction.cancel()).isTrue();
    clock.advance(100);
    assertThat(wire.times("CANCEL")).isEmpty();

    layer.respond(invite.createResponse(180));
    assertThat(wire.times("CANCEL")).containsExactly(100L);
  }

  @Test
  void cancelsAnInviteThatRingsLongerThanTimerC() {
    SIPRequest invite = invite();
    layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);
    layer.respond(invite.createResponse(180));

    clock.advance(180_999);
    assertThat(wire.times("CANCEL")).isEmpty();
    clock.advance(1);
    layer.respond(withToTag(invite.createResponse(487)));

    // §16.8: the branch is cancelled, and its 487 goes up like any final response.
    assertThat(wire.times("CANCEL")).startsWith(181_000L);
    assertThat(heard).containsExactly("0 180", "181000 487");
  }

  @Test
  void restartsTimerCWithEachProvisionalResponseButNotWith100() {
    SIPRequest invite = invite();
    layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);
    layer.respond(invite.createResponse(180));
    clock.advance(100_000);
    layer.respond(invite.createResponse(183));
    clock.advance(100_000);
    layer.respond(invite.createResponse(100));

    clock.advance(80_999);
    assertThat(wire.times("CANCEL")).isEmpty();
    clock.advance(1);
    assertThat(wire.times("CANCEL")).startsWith(281_000L);
  }

  @Test
  void givesUpOnARingingInviteWhoseCancelBringsNoFinalResponse() {
    SIPRequest invite = invite();
    layer.startClient(invite, Transport.UDP, CARRIER, 0, listener);
    layer.respond(invite.createResponse(180));

    clock.advance(181_000 + 32_000);

    assertThat(heard).containsExactly("0 180", "213000 timeout");
    assertThat(layer.size()).isZero();
  }

  @Test
  void retransmitsOtherRequestsUpToT2UntilTimerF() {
    layer.startClient(options(), Transport.UDP, CARRIER, 0, listener);

    clock.advance(33_000);

    // Timer E doubles from T1 and stays at T2 (§17.1.2.2); Timer F: 64 x T1.
    assertThat(wire.times("OPTIONS"))
        .startsWith(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L)
        .last()
        .isEqualTo(31500L);
    assertThat(heard).containsExactly("32000 timeout");
    assertThat(layer.size()).isZero();
  }

  @Test
  void retransmitsOtherRequestsAtT2OnceTheyAreProceeding() {
    SIPRequest options = options();
    layer.startClient(options, Transport.UDP, CARRIER, 0, listener);
    clock.advance(100);

    layer.respond(options.createResponse(100));
    clock.advance(8_500);

    assertThat(wire.times("OPTIONS")).containsExactly(0L, 500L, 4500L, 8500L);
  }

  @Test
  void lingersForT4AfterAFinalResponseToAbsorbItsCopiesOverUdp() {
    SIPRequest options = options();
    layer.startClient(options, Transport.UDP, CARRIER, 0, listener);

    layer.respond(options.createResponse(200));
    layer.respond(options.createResponse(200));

    assertThat(heard).containsExactly("0 200");
    clock.advance(4_999);
    assertThat(layer.size()).isOne();
    clock.advance(1);
    assertThat(layer.size()).isZero(); // Timer K
  }

  /**
   * A final response reaches the listener while the request is still there to answer a challenge
   * from (§22.2); after that the lingering transaction holds it no longer (decision 0026), and
   * still acknowledges the response's copies.
   */
  @Test
  void letsTheRequestGoOnceItsFinalResponseIsDelivered() {
    SIPRequest invite = invite();
    List<SIPRequest> seen = new ArrayList<>();
    ClientTransaction tx =
        layer.startClient(
            invite,
            Transport.UDP,
            CARRIER,
            0,
            new ClientTransaction.Listener() {
              @Override
              public void onResponse(ClientTransaction transaction, SIPResponse response) {
                seen.add(transaction.request());
              }

              @Override
              public void onTimeout(ClientTransaction transaction, boolean provisional) {}
            });

    layer.respond(withToTag(invite.createResponse(180)));
    assertThat(tx.request()).isSameAs(invite);
    layer.respond(withToTag(invite.createResponse(407)));
    layer.respond(withToTag(invite.createResponse(407)));

    assertThat(seen).containsExactly(invite, invite);
    assertThat(tx.request()).isNull();
    assertThat(wire.times("ACK")).containsExactly(0L, 0L);
  }

  /** A refusal the network reports only after the final response changes nothing (§17.1.4). */
  @Test
  void ignoresARefusalThatComesAfterTheFinalResponse() {
    SIPRequest options = options();
    layer.startClient(options, Transport.UDP, CARRIER, 0, listener);
    layer.respond(options.createResponse(200));

    wire.refuseAll();
    clock.advance(5_000);

    assertThat(heard).containsExactly("0 200");
    assertThat(clock.callIds).doesNotContainNull();
    assertThat(layer.size()).isZero(); // Timer K, not the refusal, ended it
  }

  /** A refusal before any response ends the transaction at once, on the call's worker. */
  @Test
  void endsAtOnceWhenTheNetworkRefusesTheRequest() {
    SIPRequest options = options();
    layer.startClient(options, Transport.UDP, CARRIER, 0, listener);

    wire.refuseAll();
    clock.advance(0);

    assertThat(heard).containsExactly("0 timeout");
    assertThat(layer.size()).isZero();
    assertThat(clock.callIds).last().isEqualTo(options.getCallId().getCallId());
  }

  private static SIPRequest invite() {
    return parse(SampleMessages.INVITE);
  }

  private static SIPRequest options() {
    return parse(
        SampleMessages.INVITE
            .replace("INVITE sip:", "OPTIONS sip:")
            .replace("CSeq: 1 INVITE", "CSeq: 1 OPTIONS"));
  }

  static SIPRequest parse(String text) {
    return (SIPRequest) SampleMessages.parsed(text);
  }

  private static SIPResponse withToTag(SIPResponse response) {
    try {
      response.getTo().setTag("callee");
      return response;
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }
}
