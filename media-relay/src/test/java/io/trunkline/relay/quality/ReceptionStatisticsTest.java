package io.trunkline.relay.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ReceptionStatisticsTest {

  /** G.711: 8000 timestamp units a second, 160 per 20 ms packet. */
  private static final int CLOCK = 8000;

  private static final long PACKET_NANOS = 20_000_000;

  private final ReceptionStatistics stats = new ReceptionStatistics(CLOCK);

  @Test
  void anInOrderStreamLosesNothingAndHasNoJitter() {
    for (int i = 0; i < 100; i++) {
      receive(1000 + i, i, 0);
    }

    // A.1: counting starts with the packet that ends the two-packet probation.
    assertThat(stats.packets()).isEqualTo(99);
    assertThat(stats.lost()).isZero();
    assertThat(stats.jitterSeconds()).isZero();
  }

  @Test
  void countsGapsAsLoss() {
    for (int i = 0; i < 50; i++) {
      if (i % 10 != 5) {
        receive(200 + i, i, 0);
      }
    }

    assertThat(stats.lost()).isEqualTo(5);
  }

  @Test
  void followsTheSequenceThroughWrapAround() {
    for (int i = 0; i < 40; i++) {
      if (i != 30) {
        receive((65_520 + i) & 0xffff, i, 0);
      }
    }

    assertThat(stats.extendedMaxSequence()).isEqualTo(65_536 + 23);
    assertThat(stats.lost()).isEqualTo(1);
  }

  @Test
  void lateAndDuplicatePacketsAreNotLoss() {
    receive(10, 0, 0);
    receive(11, 1, 0);
    receive(13, 3, 0);
    receive(12, 2, 0);
    receive(13, 3, 0);
    receive(14, 4, 0);

    assertThat(stats.lost()).isZero();
    assertThat(stats.extendedMaxSequence()).isEqualTo(14);
  }

  @Test
  void aBigJumpIsARestartedSourceOnceTwoPacketsConfirmIt() {
    for (int i = 0; i < 10; i++) {
      receive(100 + i, i, 0);
    }
    receive(40_000, 10, 0);
    assertThat(stats.extendedMaxSequence()).as("one jump is ignored").isEqualTo(109);

    receive(40_001, 11, 0);
    receive(40_002, 12, 0);

    assertThat(stats.extendedMaxSequence()).isEqualTo(40_002);
    assertThat(stats.lost()).isZero();
  }

  @Test
  void jitterFollowsRfc3550sRunningEstimate() {
    // Every other packet arrives 2 ms late: |D| is 16 timestamp units from the second pair on.
    double expected = 0;
    for (int i = 0; i < 60; i++) {
      receive(500 + i, i, i % 2 == 1 ? 2_000_000 : 0);
      if (i >= 2) {
        expected += (16 - expected) / 16;
      }
    }

    assertThat(stats.jitterSeconds()).isCloseTo(expected / CLOCK, within(1e-9));
    assertThat(stats.jitterSeconds()).isBetween(0.0015, 0.002);
  }

  @Test
  void readsOnlyVersionTwoRtpHeaders() {
    ByteBuf rtp =
        Unpooled.buffer()
            .writeByte(0x80)
            .writeByte(0x00)
            .writeShort(4711)
            .writeInt(160)
            .writeInt(0xcafe);
    ByteBuf rtcp =
        Unpooled.buffer().writeByte(0x80).writeByte(200).writeShort(6).writeInt(1).writeInt(2);
    ByteBuf stun =
        Unpooled.buffer()
            .writeByte(0x00)
            .writeByte(0x01)
            .writeShort(0)
            .writeInt(0x2112a442)
            .writeInt(0);
    try {
      assertThat(RtpHeader.read(rtp)).contains(new RtpHeader(0, 4711, 160, 0xcafe));
      assertThat(RtpHeader.read(rtcp)).isEmpty();
      assertThat(RtpHeader.read(stun)).isEmpty();
      assertThat(RtpHeader.read(Unpooled.EMPTY_BUFFER)).isEmpty();
    } finally {
      rtp.release();
      rtcp.release();
      stun.release();
    }
  }

  /** Packet {@code n} of the stream, sent every 20 ms, arriving {@code lateNanos} late. */
  private void receive(int seq, int n, long lateNanos) {
    stats.received(new RtpHeader(0, seq, 160L * n, 1), 172, n * PACKET_NANOS + lateNanos);
  }
}
