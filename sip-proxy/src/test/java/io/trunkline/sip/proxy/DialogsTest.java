package io.trunkline.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.sip.quota.CallChannels;
import io.trunkline.sip.quota.ChannelQuota;
import io.trunkline.sip.quota.InMemoryChannelQuota;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DialogsTest {

  private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

  private final InMemoryChannelQuota quota = new InMemoryChannelQuota(System::nanoTime);
  private final Dialogs dialogs = new Dialogs();

  @Test
  void findsOnlyDialogsOlderThanTheMaximumWhichHoldTheirChannelsUntilEnded() {
    dialogs.add(dialog("old", START));
    dialogs.add(dialog("new", START.plusSeconds(3000)));

    var old = dialogs.olderThan(START.plusSeconds(3601), Duration.ofHours(1));

    assertThat(old).extracting(Dialog::callId).containsExactly("old");
    assertThat(quota.inUse("trunk/acme")).isEqualTo(2);
    dialogs.end("old");
    assertThat(dialogs.size()).isEqualTo(1);
    assertThat(quota.inUse("trunk/acme")).isEqualTo(1);
  }

  @Test
  void endingADialogTwiceReturnsItsChannelsOnce() {
    dialogs.add(dialog("call", START));

    assertThat(dialogs.end("call")).isNotNull();
    assertThat(dialogs.end("call")).isNull();
    assertThat(quota.inUse("trunk/acme")).isZero();
  }

  private Dialog dialog(String callId, Instant started) {
    assertThat(
            quota.claimNow(
                "rate/acme", 0, List.of(new ChannelQuota.Channel("trunk/acme", 10, true))))
        .isEqualTo(ChannelQuota.TAKEN);
    CallChannels channels = new CallChannels(quota, callId, List.of("trunk/acme"));
    InetSocketAddress peer = new InetSocketAddress("127.0.0.2", 5060);
    return new Dialog(
        callId,
        "tag",
        peer,
        Transport.UDP,
        peer,
        Transport.UDP,
        0,
        channels,
        started,
        null,
        new AtomicLong(),
        new AtomicLong());
  }
}
