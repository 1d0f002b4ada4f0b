package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.relay.control.ControlKey;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What two replicas of one trunk's pool, with no store, agree on before any call. */
class PoolSettingsTest {

  private static final PoolSettings TWO = new PoolSettings(2, null, List.of(), List.of());
  private static final ControlKey TRUNK_KEY = ControlKey.random();

  @Test
  void replicasHoldingTheTrunksKeyMakeNoncesTheOtherAccepts() {
    try (PoolState a = open("a", 5071, TRUNK_KEY);
        PoolState b = open("b", 5072, TRUNK_KEY)) {
      assertThat(a.nonceKey()).isEqualTo(b.nonceKey()).hasSize(32);
    }
  }

  @Test
  void replicasWithoutTheTrunksKeyOrAnotherTrunksKeyAgreeOnNothing() {
    try (PoolState a = open("a", 5071, null);
        PoolState b = open("b", 5072, null);
        PoolState other = open("c", 5073, ControlKey.random());
        PoolState ours = open("d", 5074, TRUNK_KEY)) {
      assertThat(a.nonceKey()).isNotEqualTo(b.nonceKey());
      assertThat(other.nonceKey()).isNotEqualTo(ours.nonceKey());
    }
  }

  private static PoolState open(String replica, int port, ControlKey key) {
    return TWO.open(replica, "acme", new InetSocketAddress("127.0.0.1", port), key);
  }
}
