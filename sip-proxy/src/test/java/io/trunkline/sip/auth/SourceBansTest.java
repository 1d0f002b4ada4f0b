package io.trunkline.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SourceBansTest {

  private final MutableClock clock = new MutableClock();
  private final SourceBans bans =
      new SourceBans(3, Duration.ofMinutes(1), Duration.ofMinutes(10), clock);

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

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-21T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
