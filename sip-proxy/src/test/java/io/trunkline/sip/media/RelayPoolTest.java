package io.trunkline.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.relay.control.ControlKey;
import io.trunkline.relay.control.ControlSigner;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayPoolTest {

  @Test
  void aPoolHasFoundRelaysOnceItHadOneAndKeepsSayingSo() throws Exception {
    ControlSigner signer = new ControlSigner(ControlKey.random());
    try (RelayPool pool = new RelayPool("", List.of())) {
      assertThat(pool.found()).as("a new trunk's relays not started yet").isFalse();

      pool.update(List.of(new InetSocketAddress("127.0.0.1", 2223)), signer);
      assertThat(pool.found()).isTrue();
      assertThat(pool.relays()).hasSize(1);

      pool.update(List.of(), signer);
      assertThat(pool.relays()).isEmpty();
      assertThat(pool.found()).as("an outage later, not a proxy that never had media").isTrue();
    }
  }
}
