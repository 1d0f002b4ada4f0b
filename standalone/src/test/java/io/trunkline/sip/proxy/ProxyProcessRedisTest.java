package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.NATIONAL;
import static io.trunkline.sip.proxy.TestTrunk.PBX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.pool.PoolSettings;
import io.trunkline.sip.pool.PoolState;
import io.trunkline.sip.pool.PoolStore;
import io.trunkline.sip.standalone.Standalone;
import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.redis.RedisServer;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippProcess;
import io.trunkline.testing.sipp.SippResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy of a pool as a process of its own, as a pod is: killed with SIGKILL, or stopped with
 * SIGTERM, while it carries calls; another proxy of the pool runs in the test's JVM.
 */
class ProxyProcessRedisTest {

  private static final String SURVIVOR = "127.0.0.21";
  private static final String VICTIM = "127.0.0.23";
  private static final Duration LEASE = Duration.ofSeconds(2);

  @TempDir Path work;

  private final TestTrunk trunk = new TestTrunk();
  private RedisServer redis;
  private Standalone survivor;
  private Process victim;
  private final int survivorPort = LoopbackPorts.freePort(SURVIVOR);
  private final int victimPort = LoopbackPorts.freePort(VICTIM);

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start("127.0.0.30", work.resolve("redis"));
    trunk.channels = 4;
    PoolSettings pool =
        new PoolSettings(
            2,
            new PoolState.StoreSettings(
                new PoolStore.Address(
                    redis.host(), redis.port(), null, false, Duration.ofMillis(500)),
                LEASE),
            List.of(),
            List.of());
    survivor = trunk.startReplica(work.resolve("trunk"), SURVIVOR, survivorPort, pool);
  }

  /** Starts the other proxy of the pool as a process, with {@code extra} options. */
  private void startVictim(String... extra) throws Exception {
    Path log = work.resolve("victim.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Standalone.class.getName(),
                work.resolve("trunk").toString(),
                "--bind",
                VICTIM + ":" + victimPort,
                "--ops",
                VICTIM + ":" + LoopbackPorts.freePort(VICTIM),
                "--pool-size",
                "2",
                "--store",
                redis.host() + ":" + redis.port(),
                "--store-lease",
                Long.toString(LEASE.toSeconds())));
    command.addAll(List.of(extra));
    ProcessBuilder process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // A cold JVM on a loaded machine can take longer than the default 250 ms over its first
    // claims, and a replica whose store is slow counts on its share (2 of the 4 channels): the
    // tests are about a replica's end, not about a slow store.
    process.environment().put(PoolSettings.STORE_TIMEOUT.variable(), "2000");
    victim = process.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !victim.isAlive() || Files.readString(log).contains("SIP on"));
    assertThat(victim.isAlive()).as(Files.readString(log)).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (victim != null) {
      victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (survivor != null) {
      survivor.close();
    }
    redis.close();
  }

  @Test
  void theChannelsOfAKilledProxyComeBackWithinTheLeaseWhileTheOtherServes() throws Exception {
    startVictim();
    try (SippProcess carrier = trunk.carrierAnswering(work);
        SippProcess held =
            calls(VICTIM, victimPort, 4, 60_000).concurrentCalls(4).rate(50).start(work)) {
      // The victim carries all 4 channels of the trunk: the survivor refuses a fifth call.
      awaitAcks(carrier, 4);
      SippResult refused = calls(SURVIVOR, survivorPort, 1, 100).start(work).await();
      assertThat(refused.statistics().successfulCalls()).isZero();
      assertThat(survivor.proxy().metrics().rejected(RejectReason.QUOTA)).isOne();

      victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long killed = System.nanoTime();

      // No BYE ever frees the victim's calls: their leases run out, and the survivor takes calls
      // again within the lease and a renewal period.
      await()
          .atMost(LEASE.multipliedBy(4))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> calls(SURVIVOR, survivorPort, 1, 100).start(work).await().allCallsSucceeded());
      Duration back = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(back).isLessThan(LEASE.multipliedBy(4));
      SippResult full =
          calls(SURVIVOR, survivorPort, 4, 2000).concurrentCalls(4).start(work).await();
      assertThat(full.allCallsSucceeded()).as(full.toString()).isTrue();
    }
  }

  @Test
  void aStoppedProxyLetsItsCallsRunTillTheBoundThenEndsThemWithAByeToBothParties()
      throws Exception {
    startVictim("--drain", "2");
    try (SippProcess carrier = trunk.carrierAnswering(work);
        SippProcess held =
            calls(VICTIM, victimPort, 2, 30_000).concurrentCalls(2).rate(50).start(work)) {
      awaitAcks(carrier, 2);

      victim.destroy(); // SIGTERM, as the kubelet sends it

      // The drain bound (2 s) passes with both calls up: each party gets the proxy's BYE, and the
      // process exits well inside its grace period.
      assertThat(victim.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String atCarrier = Files.readString(carrier.messageLog());
      assertThat(atCarrier.split("BYE sip:", -1).length - 1).isGreaterThanOrEqualTo(2);
      assertThat(atCarrier).contains("Reason: SIP;cause=200;text=\"Call ended by the trunk\"");
      assertThat(Files.readString(held.messageLog())).contains("BYE sip:pbx@");
    }
    assertThat(Files.readString(work.resolve("victim.log")))
        .contains("stopped: 2 calls still up after 2 s ended with BYE to both parties");
  }

  /** Waits until the carrier has {@code count} calls answered; else says what the victim logged. */
  private void awaitAcks(SippProcess carrier, int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(Files.readString(carrier.messageLog()).split("ACK sip:", -1).length - 1)
                    .as(() -> "the victim's log:\n" + victimLog())
                    .isGreaterThanOrEqualTo(count));
  }

  private String victimLog() {
    try {
      return Files.readString(work.resolve("victim.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private Sipp calls(String proxy, int port, int count, int holdMillis) {
    return Sipp.bundled("call")
        .named("pbx-" + proxy + "-" + System.nanoTime())
        .local(PBX, 0)
        .remote(proxy, port)
        .calls(count)
        .variable("dest", NATIONAL)
        .option("-s", "pbx", "-d", Integer.toString(holdMillis))
        .timeout(Duration.ofSeconds(30));
  }
}
