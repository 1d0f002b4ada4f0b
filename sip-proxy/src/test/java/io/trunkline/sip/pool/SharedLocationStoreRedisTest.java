package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.registrar.Binding;
import io.trunkline.sip.transport.Transport;
import io.trunkline.testing.redis.RedisServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedLocationStoreRedisTest {

  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  @TempDir Path dir;

  private RedisServer redis;
  private final List<PoolStore> stores = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServer.start("127.0.0.31", dir.resolve("redis"));
  }

  @AfterEach
  void stopAll() {
    stores.forEach(PoolStore::close);
    redis.close();
  }

  @Test
  void aLineRegisteredThroughOneReplicaIsFoundThroughAnother() {
    SharedLocationStore a = replica();
    SharedLocationStore c = replica();

    a.update("line/anna", List.of(binding("sip:anna@10.0.0.5:5060", 3600, 1)), NOW);

    List<Binding> found = c.lookup("line/anna", NOW.plusSeconds(10));
    assertThat(found).containsExactly(binding("sip:anna@10.0.0.5:5060", 3600, 1));
  }

  @Test
  void twoReplicasRegisteringOneLineKeepBothContactsAndDropTheExpired() {
    SharedLocationStore a = replica();
    SharedLocationStore b = replica();
    a.update("line/anna", List.of(binding("sip:anna@desk", 60, 1)), NOW);
    b.update("line/anna", List.of(binding("sip:anna@mobile", 3600, 1)), NOW);

    assertThat(b.lookup("line/anna", NOW.plusSeconds(5)))
        .extracting(Binding::contact)
        .containsExactly("sip:anna@mobile", "sip:anna@desk");
    List<Binding> later = a.update("line/anna", List.of(), NOW.plusSeconds(120));
    assertThat(later).extracting(Binding::contact).containsExactly("sip:anna@mobile");
    b.update("line/anna", List.of(binding("sip:anna@mobile", 0, 2)), NOW.plusSeconds(130));
    assertThat(a.lookup("line/anna", NOW.plusSeconds(130))).isEmpty();
  }

  @Test
  void withoutTheStoreAReplicaAnswersFromTheRegistrationsItTook() {
    SharedLocationStore a = replica();
    a.update("line/anna", List.of(binding("sip:anna@desk", 3600, 1)), NOW);
    redis.stop();

    a.update("line/ben", List.of(binding("sip:ben@desk", 3600, 1)), NOW);

    assertThat(a.lookup("line/anna", NOW))
        .extracting(Binding::contact)
        .containsExactly("sip:anna@desk");
    assertThat(a.lookup("line/ben", NOW))
        .extracting(Binding::contact)
        .containsExactly("sip:ben@desk");
  }

  private SharedLocationStore replica() {
    PoolStore store =
        PoolStore.open(
            new PoolStore.Address(redis.host(), redis.port(), null, false, Duration.ofMillis(500)),
            "acme");
    stores.add(store);
    return new SharedLocationStore(store, Duration.ofMillis(500));
  }

  private static Binding binding(String contact, long seconds, long cseq) {
    return new Binding(
        contact,
        new InetSocketAddress("10.0.0.5", 5060),
        Transport.UDP,
        NOW.plusSeconds(seconds),
        "reg-" + contact,
        cseq);
  }
}
