package io.trunkline.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.relay.control.ControlCodec;
import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlReply;
import io.trunkline.relay.control.ControlRequest;
import io.trunkline.relay.control.ControlSigner;
import io.trunkline.relay.control.Decoded;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.control.RelayClient;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which silent calls the anchor reports: against a relay that calls every session it holds silent,
 * so what the anchor leaves out is its own doing.
 */
class MediaAnchorTest {

  private static final ControlSigner SIGNER = new ControlSigner(ControlKey.random());

  private static final String SENDRECV =
      "v=0\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

  private final SilentRelay relay = new SilentRelay();
  private MediaAnchor anchor;

  @AfterEach
  void close() {
    if (anchor != null) {
      anchor.close();
    }
    relay.close();
  }

  @Test
  void reportsItsOwnSilentCallsThatAreNotOnHold() throws Exception {
    anchor = new MediaAnchor(new RelayPool("", List.of(RelayClient.open(relay.address(), SIGNER))));
    for (String callId : List.of("talking", "held", "held-by-answer", "resumed", "no-audio")) {
      offerAndAnswer(callId, SENDRECV, SENDRECV);
    }

    // Hold as phones do it: a re-INVITE offering sendonly, or the answer saying inactive; the
    // held party's re-offer with sendrecv and its answer resume the call.
    offerAndAnswer("held", SENDRECV + "a=sendonly\r\n", SENDRECV + "a=recvonly\r\n");
    offerAndAnswer("held-by-answer", SENDRECV, SENDRECV + "a=inactive\r\n");
    offerAndAnswer("resumed", SENDRECV.replace("192.0.2.10", "0.0.0.0"), SENDRECV);
    offerAndAnswer("resumed", SENDRECV, SENDRECV);
    offerAndAnswer("no-audio", SENDRECV.replace("4000", "0"), SENDRECV.replace("4000", "0"));
    // The relay also holds a call of another proxy of the pool: not this one's to end.
    relay.alsoSilent("another-proxys-call");

    assertThat(anchor.silent(Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS))
        .containsExactlyInAnyOrder("talking", "resumed");
    assertThat(relay.askedSeconds).isEqualTo(30);
  }

  @Test
  void asksNoRelayWhileItCarriesNoCall() throws Exception {
    anchor = new MediaAnchor(new RelayPool("", List.of(RelayClient.open(relay.address(), SIGNER))));

    assertThat(anchor.silent(Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(relay.askedSeconds).isZero();
  }

  private void offerAndAnswer(String callId, String offer, String answer) throws Exception {
    anchor.offer(callId, "caller-tag", offer).get(5, TimeUnit.SECONDS);
    anchor.answer(callId, "caller-tag", "callee-tag", answer).get(5, TimeUnit.SECONDS);
  }

  /**
   * A relay on loopback that gives every offer and answer the same ports, and answers a silent with
   * every Call-ID it heard of, in the order it heard them.
   */
  private static final class SilentRelay implements AutoCloseable {

    private final ControlCodec codec = new ControlCodec();
    private final DatagramSocket socket;
    private final List<String> callIds = new CopyOnWriteArrayList<>();
    volatile int askedSeconds;

    SilentRelay() {
      try {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      } catch (SocketException e) {
        throw new IllegalStateException(e);
      }
      Thread thread = new Thread(this::serve, "silent-relay");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void alsoSilent(String callId) {
      callIds.add(callId);
    }

    private void serve() {
      byte[] buffer = new byte[8192];
      while (!socket.isClosed()) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
          ControlSigner.Verification.Authentic signed =
              (ControlSigner.Verification.Authentic)
                  SIGNER.verifyRequest(buffer, 0, packet.getLength());
          ControlRequest request =
              ((Decoded.Valid<ControlRequest>)
                      codec.decodeRequest(buffer, signed.offset(), signed.length()))
                  .message();
          byte[] reply = SIGNER.signReply(codec.encode(reply(request)));
          socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private ControlReply reply(ControlRequest request) {
      if (request instanceof ControlRequest.Silent silent) {
        askedSeconds = silent.seconds();
        return new ControlReply.Silent(request.cookie(), callIds);
      }
      if (request instanceof ControlRequest.Offer offer && !callIds.contains(offer.callId())) {
        callIds.add(offer.callId());
      }
      return new ControlReply.Media(
          request.cookie(), MediaEndpoint.of(new InetSocketAddress("198.51.100.7", 30000)));
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
