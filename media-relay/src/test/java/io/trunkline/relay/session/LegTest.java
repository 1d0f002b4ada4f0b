package io.trunkline.relay.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.trunkline.relay.control.Component;
import io.trunkline.relay.control.LegReport;
import io.trunkline.relay.control.MediaEndpoint;
import io.trunkline.relay.port.PortPair;
import io.trunkline.relay.quality.RtpHeader;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LegTest {

  private static final InetSocketAddress SIGNALLED = new InetSocketAddress("127.0.0.1", 4000);
  private static final InetSocketAddress NATTED = new InetSocketAddress("127.0.0.1", 5000);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 6000);

  @Test
  void latchesOntoTheFirstSourceAndKeepsIt() {
    Leg leg = leg(false);
    leg.signal(MediaEndpoint.of(SIGNALLED));
    assertThat(leg.peer(Component.RTP)).isEqualTo(SIGNALLED);

    assertThat(leg.admit(NATTED, Component.RTP)).isTrue();
    assertThat(leg.peer(Component.RTP)).isEqualTo(NATTED);
    assertThat(leg.admit(OTHER, Component.RTP)).isTrue();
    assertThat(leg.peer(Component.RTP)).isEqualTo(NATTED);
    // RTCP latches on its own (RFC 3605: it may come from anywhere).
    assertThat(leg.peer(Component.RTCP)).isEqualTo(new InetSocketAddress("127.0.0.1", 4001));
  }

  @Test
  void aRetransmittedOfferKeepsTheLatchAndANewAddressRestartsIt() {
    Leg leg = leg(false);
    leg.signal(MediaEndpoint.of(SIGNALLED));
    leg.admit(NATTED, Component.RTP);

    leg.signal(MediaEndpoint.of(SIGNALLED));
    assertThat(leg.peer(Component.RTP)).isEqualTo(NATTED);

    InetSocketAddress moved = new InetSocketAddress("127.0.0.1", 7000);
    leg.signal(MediaEndpoint.of(moved));
    assertThat(leg.peer(Component.RTP)).isEqualTo(moved);
    leg.admit(OTHER, Component.RTP);
    assertThat(leg.peer(Component.RTP)).isEqualTo(OTHER);
  }

  @Test
  void strictSourceAdmitsOnlyTheSignalledAddress() {
    Leg leg = leg(true);
    assertThat(leg.admit(SIGNALLED, Component.RTP)).isFalse();

    leg.signal(MediaEndpoint.of(SIGNALLED));

    assertThat(leg.admit(NATTED, Component.RTP)).isFalse();
    assertThat(leg.admit(SIGNALLED, Component.RTP)).isTrue();
    assertThat(leg.admit(SIGNALLED, Component.RTCP)).isFalse();
    assertThat(leg.admit(new InetSocketAddress("127.0.0.1", 4001), Component.RTCP)).isTrue();
    assertThat(leg.peer(Component.RTP)).isEqualTo(SIGNALLED);
  }

  @Test
  void reportsEveryPacketAndTheLossOfTheSequence() {
    Leg leg = leg(false);
    long arrival = 0;
    for (int seq = 0; seq < 100; seq++) {
      if (seq == 40 || seq == 41) {
        continue;
      }
      leg.received(new RtpHeader(0, seq, seq * 160L, 1), 172, arrival);
      arrival += 20_000_000;
    }

    LegReport report = leg.report();

    assertThat(report.packets()).isEqualTo(98);
    assertThat(report.bytes()).isEqualTo(98 * 172);
    assertThat(report.lost()).isEqualTo(2);
  }

  private static Leg leg(boolean strict) {
    return new Leg(new PortPair(30000), new EmbeddedChannel(), new EmbeddedChannel(), strict);
  }
}
