package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.ChannelQuota.Channel;
import io.trunkline.sip.quota.ChannelQuota.Outcome;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One replica's share of a trunk, for a pool of up to three with no store to count in. */
class ShareQuotaTest {

  private static final Channel TRUNK = new Channel("trunk/acme", 20, true);
  private static final Channel ANNA = new Channel("line/anna", 1, false);

  private final AtomicLong now = new AtomicLong();
  private final ShareQuota share = new ShareQuota(3, now::get);

  @Test
  void takesAThirdOfTheTrunksChannelsRoundedDownSoTheSharesNeverPassTheTrunk() {
    int taken = 0;
    while (claim(0, TRUNK) instanceof Outcome.Taken) {
      taken++;
    }

    assertThat(taken).isEqualTo(6);
    assertThat(share.inUse(TRUNK.key())).isEqualTo(6);
    share.release("any", List.of(TRUNK.key()));
    assertThat(claim(0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
  }

  @Test
  void aFullShareStillTakesAnEmergencyCallWhenTheTrunkHasAReserveSmallerThanThePool() {
    // 18 channels and 2 for emergencies, over three replicas: 20 / 3 would round to 6, the
    // ordinary share itself, and the emergency call would find the share full.
    Channel ordinary = new Channel("trunk/small", 18, true);
    Channel emergency = new Channel(ordinary.key(), 20, true, 2);
    while (claim(0, ordinary) instanceof Outcome.Taken) {}
    assertThat(share.inUse(ordinary.key())).isEqualTo(6);

    assertThat(claim(0, emergency)).isEqualTo(ChannelQuota.TAKEN);
    assertThat(claim(0, emergency)).isEqualTo(new Outcome.Full(0));
    assertThat(claim(0, ordinary)).isEqualTo(new Outcome.Full(0));
  }

  @Test
  void aLinesOneChannelIsNotSplit() {
    assertThat(claim(0, TRUNK, ANNA)).isEqualTo(ChannelQuota.TAKEN);
    assertThat(claim(0, TRUNK, ANNA)).isEqualTo(new Outcome.Full(1));
  }

  @Test
  void takesAThirdOfTheCallsPerSecond() {
    // 6 calls per second for the trunk: 2 a second for this replica, a burst of 2 at most.
    int burst = 0;
    while (claim(6, TRUNK) instanceof Outcome.Taken) {
      burst++;
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));

    assertThat(burst).isEqualTo(2);
    assertThat(claim(6, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
    assertThat(claim(6, TRUNK)).isEqualTo(ChannelQuota.OVER_RATE);
  }

  @Test
  void aPoolOfNoReplicaIsRefused() {
    assertThatThrownBy(() -> new ShareQuota(0, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one replica");
  }

  private Outcome claim(int callsPerSecond, Channel... channels) {
    return share
        .claim("call", "rate/acme", callsPerSecond, List.of(channels))
        .toCompletableFuture()
        .join();
  }
}
