package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.ANNA;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.process.settings.HostPort;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.pool.PoolState;
import io.trunkline.sip.pool.PoolStore;
import io.trunkline.sip.standalone.Standalone;
import io.trunkline.testing.log.LogRecords;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.redis.RedisServer;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three proxies of one trunk on 127.0.0.21 to .23 sharing one real redis-server, driven by real
 * sipp: the pool behaves as one trunk.
 */
class PoolRedisTest {

  private static final List<String> REPLICAS = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23");

  @TempDir Path work;

  private final TestTrunk trunk = new TestTrunk();
  private final List<Standalone> replicas = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private RedisServer redis;
  private PoolSettings pool;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start("127.0.0.30", work.resolve("redis"));
    trunk.channels = 20;
    List<HostPort> members = new ArrayList<>();
    for (String address : REPLICAS) {
      int port = LoopbackPorts.freePort(address);
      ports.add(port);
      members.add(new HostPort(address, port));
    }
    pool =
        new PoolSettings(
            3,
            new PoolState.StoreSettings(
                new PoolStore.Address(
                    redis.host(), redis.port(), null, false, Duration.ofMillis(500)),
                Duration.ofSeconds(30)),
            members,
            List.of());
    for (int r = 0; r < REPLICAS.size(); r++) {
      replicas.add(trunk.startReplica(work.resolve("trunk"), REPLICAS.get(r), ports.get(r), pool));
    }
  }

  @AfterEach
  void stop() {
    replicas.forEach(Standalone::close);
    redis.close();
  }

  @Test
  void thirtyCallsOverThreeReplicasOfATwentyChannelTrunkAnswerExactlyTwenty() throws Exception {
    List<SippProcess> pbx = new ArrayList<>();
    try (SippProcess carrier = trunk.carrierAnswering(work)) {
      for (int r = 0; r < REPLICAS.size(); r++) {
        pbx.add(pbxCalls(r, NATIONAL, 10, 4000).concurrentCalls(10).rate(50).start(work));
      }
      // While the 20 calls are held: the pool's channels, counted by each replica, sum to 20.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum() == 20);

      long answered = 0;
      long failed = 0;
      boolean retryAfter = false;
      for (SippProcess caller : pbx) {
        SippResult result = caller.await();
        answered += result.statistics().successfulCalls();
        failed += result.statistics().failedCalls();
        retryAfter |= Files.readString(result.messageLog()).contains("Retry-After: 5");
      }

      assertThat(answered).isEqualTo(20);
      assertThat(failed).isEqualTo(10);
      assertThat(retryAfter).isTrue();
      assertThat(
              replicas.stream()
                  .mapToDouble(r -> r.proxy().metrics().rejected(RejectReason.QUOTA))
                  .sum())
          .isEqualTo(10);
    } finally {
      pbx.forEach(SippProcess::close);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum() == 0);
  }

  @Test
  void underSustainedLoadOnEveryProxyThePoolNeverCarriesMoreThanTheTrunksChannels()
      throws Exception {
    List<SippProcess> pbx = new ArrayList<>();
    int most = 0;
    int samples = 0;
    try (SippProcess carrier = trunk.carrierAnswering(work)) {
      // 10 new calls a second on each proxy, each held 3 s: some 90 wanted at once, 20 allowed.
      for (int r = 0; r < REPLICAS.size(); r++) {
        pbx.add(pbxCalls(r, NATIONAL, 150, 3000).rate(10).start(work));
      }
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < end) {
        most = Math.max(most, replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum());
        samples++;
        Thread.sleep(50);
      }
    } finally {
      pbx.forEach(SippProcess::close);
    }
    assertThat(samples).isGreaterThan(100);
    // Full for most of the run, and never over.
    assertThat(most).isEqualTo(20);
    assertThat(
            replicas.stream()
                .mapToDouble(r -> r.proxy().metrics().rejected(RejectReason.QUOTA))
                .sum())
        .isPositive();
  }

  @Test
  void aLineRegisteredThroughOneReplicaRingsThroughAnotherAndIsBusyThroughTheThird()
      throws Exception {
    int annaPort = LoopbackPorts.stablePort(ANNA_PHONE);
    SippResult registered =
        TestTrunk.register("anna", ANNA_PASSWORD)
            .local(ANNA_PHONE, annaPort)
            .remote(REPLICAS.get(0), ports.get(0))
            .start(work)
            .await();
    assertThat(registered.allCallsSucceeded()).as(registered.toString()).isTrue();

    try (SippProcess phone =
            Sipp.bundled("answer")
                .named("anna-phone")
                .local(ANNA_PHONE, annaPort)
                .calls(1)
                .timeout(Duration.ofSeconds(30))
                .start(work)
                .awaitListening(Duration.ofSeconds(10));
        SippProcess first = pbxCalls(2, ANNA, 1, 4000).start(work)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> dialogs() == 1);

      SippResult busy =
          trunk
              .towardsProxy(
                  TestTrunk.withStatus("refused", 486, work.resolve("s")), PBX, SippTransport.UDP)
              .remote(REPLICAS.get(1), ports.get(1))
              .calls(1)
              .variable("dest", ANNA)
              .option("-s", "pbx")
              .start(work)
              .await();

      assertThat(busy.allCallsSucceeded()).as(busy.toString()).isTrue();
      SippResult call = first.await();
      assertThat(call.allCallsSucceeded()).as(call.toString()).isTrue();
      assertThat(phone.await().allCallsSucceeded()).isTrue();
    }
    assertThat(
            replicas.stream()
                .mapToDouble(r -> r.proxy().metrics().rejected(RejectReason.BUSY))
                .sum())
        .isEqualTo(1);
  }

  @Test
  void callsFromOnePbxToOneProxySpreadOverThePoolAndTheirByesFindTheirOwners() throws Exception {
    try (SippProcess carrier = trunk.carrierAnswering(work)) {
      SippResult calls =
          pbxCalls(0, NATIONAL, 12, 1000).concurrentCalls(12).rate(50).start(work).await();

      // Every message went to the first proxy; the calls were carried by their owners, and the
      // in-dialog ACKs and BYEs the PBX sent to the first proxy reached them there.
      assertThat(calls.allCallsSucceeded()).as(calls.toString()).isTrue();
      assertThat(replicas.get(0).proxy().metrics().handedOverCount()).isPositive();
      long carrying = replicas.stream().filter(r -> r.proxy().metrics().callCount() > 0).count();
      assertThat(carrying).isGreaterThanOrEqualTo(2);
    }
    // Each BYE freed its call's channels on its owner, at once.
    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum() == 0);
    assertThat(dialogs()).isZero();
  }

  @Test
  void aReInviteThatReachesAnotherProxyThanItsOwnerReachesTheFarEnd() throws Exception {
    try (SippProcess carrier =
        Sipp.bundled("answer-hold")
            .named("carrier-hold")
            .local(TestTrunk.CARRIER_A, trunk.carrierA)
            // Its answers to the proxies' OPTIONS probes count as calls (-aa): room for them. With
            // room for the twelve calls only, a probe that came after it started ended it before
            // the last call, which got 503 No Carrier Available (its port closed).
            .calls(100)
            .option("-aa")
            .timeout(Duration.ofSeconds(30))
            .start(work)
            .awaitListening(Duration.ofSeconds(10))) {
      // One call at a time, every message to the first proxy; about two thirds of the calls are
      // owned elsewhere (all twelve owned by the first: one chance in half a million).
      SippResult held =
          Sipp.bundled("call-hold")
              .named("pbx-hold")
              .local(PBX, 0)
              .remote(REPLICAS.get(0), ports.get(0))
              .calls(12)
              .concurrentCalls(1)
              .variable("dest", NATIONAL)
              .option("-s", "pbx", "-d", "200")
              .timeout(Duration.ofSeconds(30))
              .start(work)
              .await();

      assertThat(held.allCallsSucceeded()).as(held.toString()).isTrue();
      assertThat(Files.readString(carrier.messageLog())).contains("CSeq: 2 INVITE", "a=sendonly");
      assertThat(replicas.get(0).proxy().metrics().handedOverCount()).isPositive();
    }
    assertThat(dialogs()).isZero();
  }

  @Test
  void drainingAndRestartingAProxyTwiceUnderLoadFailsNoCallAndCutsNone() throws Exception {
    List<SippProcess> pbx = new ArrayList<>();
    double cut = 0;
    try (SippProcess carrier = trunk.carrierAnswering(work)) {
      // The load reaches the second and third proxies (the Service no longer sends to a draining
      // one), and they hand a third of the new calls to the first.
      for (int r = 1; r < REPLICAS.size(); r++) {
        pbx.add(
            pbxCalls(r, NATIONAL, 40, 1500).rate(4).timeout(Duration.ofSeconds(45)).start(work));
      }
      for (int round = 0; round < 2; round++) {
        Standalone first = replicas.get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.proxy().activeDialogs() > 0);
        // SIGTERM: no new call, the calls up end by themselves well inside the bound.
        assertThat(first.drain(Duration.ofSeconds(15))).isZero();
        cut += first.proxy().metrics().endedCount("drain");
        first.close();
        Thread.sleep(500);
        replicas.set(
            0, trunk.startReplica(work.resolve("trunk"), REPLICAS.get(0), ports.get(0), pool));
      }
      for (SippProcess load : pbx) {
        SippResult result = load.await();
        assertThat(result.allCallsSucceeded()).as(result.toString()).isTrue();
      }
    } finally {
      pbx.forEach(SippProcess::close);
    }
    assertThat(cut).isZero();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum() == 0);
  }

  @Test
  void withTheStoreStoppedThePoolCarriesCallsOnItsSharesAndCountsTogetherOnceItIsBack()
      throws Exception {
    try (LogRecords lettuce = LogRecords.of("io.lettuce", Level.WARNING);
        SippProcess carrier = trunk.carrierAnswering(work)) {
      redis.stop();

      // Each proxy's share is 6 of the 20 channels (20 / 3, rounded down). 30 held calls
      // through the first proxy spread over their owners: at most 18 answered, the pool under
      // the trunk's 20 throughout, every other call refused 503.
      SippResult onShares = held(0, 30);
      long answered = onShares.statistics().successfulCalls();
      assertThat(answered).isBetween(6L, 18L);
      assertThat(
              replicas.stream()
                  .mapToDouble(r -> r.proxy().metrics().rejected(RejectReason.QUOTA))
                  .sum())
          .isEqualTo(30 - answered);
      assertThat(gauge(0, "trunkline.store.shared")).isZero();
      assertThat(gauge(0, "trunkline.store.fallbacks")).isOne();

      redis.startAgain();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  replicas.stream()
                      .allMatch(
                          r ->
                              r.proxy()
                                      .metrics()
                                      .registry()
                                      .get("trunkline.store.shared")
                                      .gauge()
                                      .value()
                                  == 1));
      SippResult shared = held(0, 10);
      assertThat(shared.allCallsSucceeded()).as(shared.toString()).isTrue();
      // Each proxy closed its lost connection once while it tried again, not on every try.
      assertThat(lettuce.messages()).doesNotContain("Connection is already closed");
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> replicas.stream().mapToInt(r -> r.proxy().channelsInUse()).sum() == 0);
  }

  private double gauge(int replica, String name) {
    var meter = replicas.get(replica).proxy().metrics().registry().find(name);
    return meter.gauge() != null ? meter.gauge().value() : meter.functionCounter().count();
  }

  /** {@code count} calls at once from the PBX through one proxy, held a second. */
  private SippResult held(int replica, int count) {
    return pbxCalls(replica, NATIONAL, count, 1000)
        .concurrentCalls(count)
        .rate(50)
        .start(work)
        .await();
  }

  private int dialogs() {
    return replicas.stream().mapToInt(r -> r.proxy().activeDialogs()).sum();
  }

  /** {@code count} calls from the PBX to {@code number} through one proxy, each held a while. */
  private Sipp pbxCalls(int replica, String number, int count, int holdMillis) {
    return Sipp.bundled("call")
        .named("pbx-to-" + replica + "-" + System.nanoTime())
        .local(PBX, 0)
        .remote(REPLICAS.get(replica), ports.get(replica))
        .calls(count)
        .variable("dest", number)
        .option("-s", "pbx", "-d", Integer.toString(holdMillis))
        .timeout(Duration.ofSeconds(30));
  }
}
