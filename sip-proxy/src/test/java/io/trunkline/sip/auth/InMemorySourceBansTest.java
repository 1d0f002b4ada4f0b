package io.trunkline.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.testing.time.TestClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemorySourceBansTest {

  private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));
  private final InMemorySourceBans bans =
      new InMemorySourceBans(
          new SourceBans.Policy(3, Duration.ofMinutes(1), Duration.ofMinutes(10)), clock);

  @Test
  void bansASourceAfterRepeatedFailuresWithinTheWindowAndLiftsTheBanLater() throws Exception {
    InetAddress scanner = InetAddress.getByName("127.0.0.66");
    InetAddress phone = InetAddress.getByName("127.0.0.2");

    assertThat(bans.failed(scanner)).isFalse();
    assertThat(bans.failed(scanner)).isFalse();
    assertThat(bans.failed(scanner)).isTrue();
    assertThat(bans.banned(scanner)).isTrue();
    assertThat(bans.banned(phone)).isFalse();

    clock.advance(Duration.ofMinutes(11));
    assertThat(bans.banned(scanner)).isFalse();
  }

  @Test
  void failuresSpreadBeyondTheWindowDoNotBan() throws Exception {
    InetAddress phone = InetAddress.getByName("127.0.0.2");
    for (int i = 0; i < 10; i++) {
      assertThat(bans.failed(phone)).isFalse();
      clock.advance(Duration.ofSeconds(31));
    }

    assertThat(bans.banned(phone)).isFalse();
    bans.forgetQuiet();
    clock.advance(Duration.ofMinutes(2));
    bans.forgetQuiet();
    assertThat(bans.failed(phone)).isFalse();
  }
}
