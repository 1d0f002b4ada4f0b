package io.trunkline.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryLocationStoreTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

  private final InMemoryLocationStore store = new InMemoryLocationStore();

  @Test
  void keepsSeveralContactsReplacesEqualOnesAndForgetsExpiredOnes() {
    store.update(
        "anna", List.of(binding("sip:anna@desk", 3600), binding("sip:anna@mobile", 60)), NOW);
    store.update("anna", List.of(binding("sip:anna@desk", 1800)), NOW);

    assertThat(store.lookup("anna", NOW))
        .extracting(Binding::contact)
        .containsExactly("sip:anna@desk", "sip:anna@mobile");
    assertThat(store.lookup("anna", NOW.plusSeconds(61)))
        .extracting(Binding::contact)
        .containsExactly("sip:anna@desk");
    assertThat(store.lookup("anna", NOW).get(0).expires()).isEqualTo(NOW.plusSeconds(1800));
  }

  @Test
  void expiresZeroRemovesAContactAndClearRemovesAll() {
    store.update("ben", List.of(binding("sip:ben@a", 3600), binding("sip:ben@b", 3600)), NOW);
    store.update("ben", List.of(binding("sip:ben@a", 0)), NOW);

    assertThat(store.lookup("ben", NOW)).extracting(Binding::contact).containsExactly("sip:ben@b");
    store.clear("ben");
    assertThat(store.lookup("ben", NOW)).isEmpty();
  }

  private static Binding binding(String contact, int seconds) {
    return new Binding(
        contact,
        new InetSocketAddress("127.0.0.3", 5070),
        Transport.UDP,
        NOW.plusSeconds(seconds),
        "call",
        1);
  }
}
