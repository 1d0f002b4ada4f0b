package io.trunkline.testing.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The capture against the real dumpcap and tshark on the loopback interface. */
class TsharkTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /**
   * The burst goes out the moment the capture returns, as a relay's echo does in the end-to-end
   * tests: a capture that returned on tshark's "Capturing on" missed such bursts whole.
   */
  @Test
  void aBurstSentTheMomentTheCaptureReturnsIsCapturedWithItsMarks() throws Exception {
    try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      sender.setTrafficClass(46 << 2);
      for (int round = 0; round < 5; round++) {
        List<String> marks;
        try (Tshark capture =
            Tshark.capture(
                "udp and src port " + sender.getLocalPort(),
                20,
                Duration.ofSeconds(10),
                "ip.dsfield.dscp")) {
          byte[] payload = new byte[172];
          for (int i = 0; i < 100; i++) {
            sender.send(
                new DatagramPacket(payload, payload.length, receiver.getLocalSocketAddress()));
          }
          marks = capture.packets();
        }
        assertThat(marks).as("round %d", round).hasSize(20).containsOnly("46");
      }
    }
  }

  @Test
  void aFilterDumpcapRefusesFailsNamingIt() {
    assertThatThrownBy(
            () -> Tshark.capture("udp and nonsense 7", 1, Duration.ofSeconds(5), "ip.len"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("udp and nonsense 7");
  }
}
