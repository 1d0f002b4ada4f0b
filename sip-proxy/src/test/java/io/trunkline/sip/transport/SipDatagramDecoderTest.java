package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipDatagramDecoderTest {

  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);

  @Test
  void framesFromOnePeerShareOneAddress() {
    EmbeddedChannel channel =
        new EmbeddedChannel(new SipDatagramDecoder(new TransportStats())) {
          @Override
          protected SocketAddress localAddress0() {
            return LOCAL; // a listener's, as the frames name it
          }
        };
    // Equal addresses, made apart, as Netty makes one for every datagram it reads.
    SipFrame first = read(channel, new InetSocketAddress("127.0.0.7", 5070));
    SipFrame second = read(channel, new InetSocketAddress("127.0.0.7", 5070));
    SipFrame otherPort = read(channel, new InetSocketAddress("127.0.0.7", 5071));

    assertThat(second.remote()).isSameAs(first.remote());
    assertThat(otherPort.remote()).isEqualTo(new InetSocketAddress("127.0.0.7", 5071));
    assertThat(otherPort.remote()).isNotSameAs(first.remote());
    assertThat(new String(second.bytes(), StandardCharsets.US_ASCII)).startsWith("OPTIONS");
    channel.finishAndReleaseAll();
  }

  @Test
  void aFloodOfNewSourcesKeepsTheAddressesBounded() {
    PeerAddresses peers = new PeerAddresses();
    for (int i = 0; i < PeerAddresses.MAX_PEERS * 3; i++) {
      InetSocketAddress source = new InetSocketAddress("127.0.0.9", 1024 + i);
      assertThat(peers.shared(source)).isEqualTo(source);
      assertThat(peers.size()).isLessThanOrEqualTo(PeerAddresses.MAX_PEERS);
    }
    InetSocketAddress last =
        new InetSocketAddress("127.0.0.9", 1024 + PeerAddresses.MAX_PEERS * 3 - 1);
    assertThat(peers.shared(new InetSocketAddress("127.0.0.9", last.getPort())))
        .isSameAs(peers.shared(last));
  }

  private static SipFrame read(EmbeddedChannel channel, InetSocketAddress sender) {
    byte[] message =
        "OPTIONS sip:x SIP/2.0\r\nCall-ID: a@b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(message), LOCAL, sender));
    return channel.readInbound();
  }
}
