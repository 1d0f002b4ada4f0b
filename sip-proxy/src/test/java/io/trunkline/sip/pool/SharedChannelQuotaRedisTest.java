package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.OfficeTrunk;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.quota.Admission;
import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.ChannelQuota.Channel;
import io.trunkline.sip.quota.ChannelQuota.Outcome;
import io.trunkline.testing.redis.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three replicas' quotas on one real redis-server, as three proxy pods of one trunk see it. */
class SharedChannelQuotaRedisTest {

  private static final Channel TRUNK = new Channel("trunk/acme", 20, true);
  private static final Channel ANNA = new Channel("line/anna", 1, false);

  @TempDir Path dir;

  private RedisServer redis;
  private final List<PoolStore> stores = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start("127.0.0.30", dir.resolve("redis"));
  }

  @AfterEach
  void stopAll() {
    stores.forEach(PoolStore::close);
    redis.close();
  }

  @Test
  void threeReplicasNeverCarryTheTwentyFirstCall() throws Exception {
    List<SharedChannelQuota> replicas =
        List.of(
            replica(3, Duration.ofSeconds(30)),
            replica(3, Duration.ofSeconds(30)),
            replica(3, Duration.ofSeconds(30)));
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(6);
    for (int t = 0; t < 6; t++) {
      SharedChannelQuota quota = replicas.get(t % 3);
      int thread = t;
      threads.submit(
          () -> {
            go.await();
            for (int i = 0; i < 10; i++) {
              if (claim(quota, "call-" + thread + "-" + i, 0, TRUNK) instanceof Outcome.Taken) {
                taken.incrementAndGet();
              }
            }
            return null;
          });
    }
    go.countDown();
    threads.shutdown();
    assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    // 60 attempts spread over three replicas of a 20-channel trunk: exactly 20.
    assertThat(taken).hasValue(20);
    assertThat(replicas.get(0).inPool(TRUNK.key())).isEqualTo(20);
    assertThat(replicas.stream().mapToInt(q -> q.inUse(TRUNK.key())).sum()).isEqualTo(20);
  }

  @Test
  void aLinesSecondCallIsRefusedWhicheverReplicaItReaches() {
    SharedChannelQuota a = replica(3, Duration.ofSeconds(30));
    SharedChannelQuota b = replica(3, Duration.ofSeconds(30));

    assertThat(claim(a, "a-1", 0, TRUNK, ANNA)).isEqualTo(ChannelQuota.TAKEN);
    assertThat(claim(b, "b-1", 0, TRUNK, ANNA)).isEqualTo(new Outcome.Full(1));
    // Nothing of the refused call stays taken: the trunk channel went back with it.
    assertThat(a.inPool(TRUNK.key())).isEqualTo(1);

    a.release("a-1", List.of(TRUNK.key(), ANNA.key()));
    // The release is not waited for on A; B sees it once the store has it.
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> claim(b, "b-" + System.nanoTime(), 0, TRUNK, ANNA) instanceof Outcome.Taken);
  }

  @Test
  void callsPerSecondAreOneBudgetForThePool() {
    List<SharedChannelQuota> replicas =
        List.of(
            replica(3, Duration.ofSeconds(30)),
            replica(3, Duration.ofSeconds(30)),
            replica(3, Duration.ofSeconds(30)));
    int admitted = 0;
    int overRate = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 15; i++) {
      Outcome outcome = claim(replicas.get(i % 3), "call-" + i, 5, TRUNK);
      if (outcome instanceof Outcome.Taken) {
        admitted++;
      } else if (outcome instanceof Outcome.OverRate) {
        overRate++;
      }
    }
    long refills = Duration.ofNanos(System.nanoTime() - start).toMillis() / 200;

    // One second's burst of a 5 calls/s trunk, whichever replica the calls reach; each 200 ms the
    // claims took brings a token back (none on a quick machine: the 15 take a few ms).
    assertThat(admitted).isBetween(5, 6 + (int) refills);
    assertThat(overRate).isEqualTo(15 - admitted);
  }

  @Test
  void aKilledReplicasChannelsComeBackWithinItsLease() {
    Duration lease = Duration.ofSeconds(1);
    PoolStore killedStore = store();
    SharedChannelQuota killed = new SharedChannelQuota(killedStore, 2, lease, System::nanoTime);
    SharedChannelQuota survivor = replica(2, lease);
    for (int i = 0; i < 15; i++) {
      assertThat(claim(killed, "killed-" + i, 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(claim(survivor, "survivor-" + i, 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
    }
    assertThat(claim(survivor, "one-too-many", 0, TRUNK)).isEqualTo(new Outcome.Full(0));

    // The replica dies holding 15 calls: nothing releases them, nothing renews them.
    killedStore.close();
    stores.remove(killedStore);

    // Within the lease (and a renewal period), only the survivor's own 5 calls count, which it
    // kept renewing, and the 15 channels are there to take.
    await().atMost(Duration.ofSeconds(5)).until(() -> survivor.inPool(TRUNK.key()) == 5);
    for (int i = 0; i < 15; i++) {
      assertThat(claim(survivor, "after-" + i, 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
    }
    assertThat(claim(survivor, "after-too-many", 0, TRUNK)).isEqualTo(new Outcome.Full(0));
  }

  @Test
  void onTheStoresAbsenceEachReplicaKeepsToItsShareThenPutsItsCallsBack() {
    PoolStore storeA = store();
    SharedChannelQuota a =
        new SharedChannelQuota(storeA, 2, Duration.ofSeconds(30), System::nanoTime);
    SharedChannelQuota b = replica(2, Duration.ofSeconds(30));
    for (int i = 0; i < 4; i++) {
      assertThat(claim(a, "a-" + i, 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);
    }
    assertThat(claim(b, "b-0", 0, TRUNK)).isEqualTo(ChannelQuota.TAKEN);

    redis.stop();

    // Each replica's share is 10 of the 20 channels, and A's 4 calls count against A's.
    int moreOnA = 0;
    while (claim(a, "a-share-" + moreOnA, 0, TRUNK) instanceof Outcome.Taken) {
      moreOnA++;
    }
    int moreOnB = 0;
    while (claim(b, "b-share-" + moreOnB, 0, TRUNK) instanceof Outcome.Taken) {
      moreOnB++;
    }
    assertThat(moreOnA).isEqualTo(6);
    assertThat(moreOnB).isEqualTo(9);
    assertThat(storeA.shared()).isFalse();
    assertThat(storeA.fallbacks()).isEqualTo(1);

    // The store comes back empty (no persistence): each replica puts back the calls it carries,
    // once each, and the pool counts together again.
    redis.startAgain();
    await().atMost(Duration.ofSeconds(10)).until(() -> storeA.shared() && stores.get(1).shared());
    assertThat(a.inPool(TRUNK.key())).isEqualTo(20);
    assertThat(claim(a, "a-after", 0, TRUNK)).isEqualTo(new Outcome.Full(0));
    a.release("a-0", List.of(TRUNK.key()));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> claim(b, "b-" + System.nanoTime(), 0, TRUNK) instanceof Outcome.Taken);
  }

  @Test
  void anEmergencyCallPassesThePoolsSpentRateAndFullTrunkUpToItsExtraChannels() {
    // One channel, one call per second, one emergency channel beyond them (OfficeTrunk).
    TrunkConfig trunk = OfficeTrunk.snapshot(1, 1).config();
    Admission a = new Admission(replica(2, Duration.ofSeconds(30)), "a");
    SharedChannelQuota bQuota = replica(2, Duration.ofSeconds(30));
    Admission b = new Admission(bQuota, "b");
    Line anna = trunk.lines().get(0);

    assertThat(join(a.admit(trunk, anna, null))).isInstanceOf(Admission.Verdict.Admitted.class);
    Admission.Verdict overRate = join(b.admit(trunk, null, null));
    Admission.Verdict emergency = join(b.admitEmergency(trunk, anna));
    Admission.Verdict beyondTheExtra = join(a.admitEmergency(trunk, null));
    Admission.Verdict stillOverRate = join(a.admit(trunk, null, null));

    assertThat(refused(overRate)).isEqualTo(RejectReason.CPS);
    assertThat(emergency).isInstanceOf(Admission.Verdict.Admitted.class);
    assertThat(refused(beyondTheExtra)).isEqualTo(RejectReason.QUOTA);
    // The emergency claims touched no bucket: the pool's budget is still spent.
    assertThat(refused(stillOverRate)).isEqualTo(RejectReason.CPS);
    assertThat(bQuota.inPool("trunk/office")).isEqualTo(2);
    assertThat(bQuota.inPool("line/anna")).isEqualTo(2);
  }

  private static Admission.Verdict join(CompletionStage<Admission.Verdict> verdict) {
    return verdict.toCompletableFuture().join();
  }

  private static RejectReason refused(Admission.Verdict verdict) {
    assertThat(verdict).isInstanceOf(Admission.Verdict.Refused.class);
    return ((Admission.Verdict.Refused) verdict).refusal().counted();
  }

  private SharedChannelQuota replica(int poolSize, Duration lease) {
    return new SharedChannelQuota(store(), poolSize, lease, System::nanoTime);
  }

  private PoolStore store() {
    PoolStore store =
        PoolStore.open(
            new PoolStore.Address(redis.host(), redis.port(), null, false, Duration.ofMillis(500)),
            "acme");
    stores.add(store);
    assertThat(store.shared()).isTrue();
    return store;
  }

  private static Outcome claim(
      ChannelQuota quota, String id, int callsPerSecond, Channel... channels) {
    return quota
        .claim(id, "rate/acme", callsPerSecond, List.of(channels))
        .toCompletableFuture()
        .join();
  }
}
