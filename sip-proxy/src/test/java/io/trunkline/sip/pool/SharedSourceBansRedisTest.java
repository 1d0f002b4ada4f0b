package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.auth.SourceBans;
import io.trunkline.testing.redis.RedisServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two proxies' source bans on one real redis-server: a scanner spread over the pool. */
class SharedSourceBansRedisTest {

  private static final SourceBans.Policy POLICY =
      new SourceBans.Policy(5, Duration.ofMinutes(1), Duration.ofMinutes(10));

  @TempDir Path dir;

  private RedisServer redis;
  private final List<PoolStore> stores = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start("127.0.0.32", dir.resolve("redis"));
  }

  @AfterEach
  void stopAll() {
    stores.forEach(PoolStore::close);
    redis.close();
  }

  @Test
  void failuresOnEveryProxyCountTogetherAndTheBanReachesTheOthers() throws Exception {
    SharedSourceBans a = replica();
    SharedSourceBans b = replica();
    InetAddress scanner = InetAddress.getByName("192.0.2.66");
    InetAddress phone = InetAddress.getByName("192.0.2.10");

    assertThat(a.failed(scanner)).isFalse();
    assertThat(b.failed(scanner)).isFalse();
    assertThat(a.failed(scanner)).isFalse();
    assertThat(b.failed(scanner)).isFalse();
    // The fifth wrong answer in the pool, whichever proxy it reaches, bans the source there ...
    assertThat(a.failed(scanner)).isTrue();
    assertThat(a.banned(scanner)).isTrue();

    // ... and on the other proxy within a second or so.
    await().atMost(SharedSourceBans.FOLLOW.multipliedBy(5)).until(() -> b.banned(scanner));
    assertThat(b.banned(phone)).isFalse();
  }

  @Test
  void withoutTheStoreEachProxyCountsOnItsOwn() throws Exception {
    SharedSourceBans a = replica();
    InetAddress scanner = InetAddress.getByName("192.0.2.66");
    redis.stop();

    for (int i = 0; i < 4; i++) {
      assertThat(a.failed(scanner)).isFalse();
    }
    assertThat(a.failed(scanner)).isTrue();
    assertThat(a.banned(scanner)).isTrue();
  }

  private SharedSourceBans replica() {
    PoolStore store =
        PoolStore.open(
            new PoolStore.Address(redis.host(), redis.port(), null, false, Duration.ofMillis(500)),
            "acme");
    stores.add(store);
    return new SharedSourceBans(store, POLICY, Duration.ofMillis(500), Clock.systemUTC());
  }
}
