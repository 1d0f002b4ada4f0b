package io.trunkline.sip.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.process.settings.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which senders of handed-over requests a member waits on a look-up for. */
class MembersTest {

  private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.2", 5060);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.3", 5060);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @Test
  void anUnknownSenderWaitsUntilALookUpBegunAfterDnsCouldNameItHasNot() {
    try (Members members =
        Members.following(
            SELF,
            List.of(new HostPort("127.0.0.1", 5060), new HostPort("127.0.0.2", 5060)),
            List.of(),
            clock::get)) {
      assertThat(members.mayBeNewMember(OTHER)).as("a member found").isFalse();
      assertThat(members.mayBeNewMember(STRANGER))
          .as("the look-up just made may have been answered from a cache")
          .isTrue();

      clock.addAndGet(Duration.ofSeconds(3).toNanos());
      assertThat(members.mayBeNewMember(STRANGER)).as("3 s after its first hand-over").isTrue();

      clock.addAndGet(Duration.ofSeconds(4).toNanos());
      assertThat(members.mayBeNewMember(STRANGER)).as("7 s after, a look-up starts").isTrue();
      // Once the look-up begun 7 s after the first hand-over is done, the sender is a stranger.
      await().atMost(Duration.ofSeconds(5)).until(() -> !members.mayBeNewMember(STRANGER));
      assertThat(members.isPeer(STRANGER)).isFalse();
      assertThat(members.isPeer(OTHER)).isTrue();
    }
  }

  @Test
  void onlyTheReadyMembersOwnNewCalls() {
    try (Members members =
        Members.following(
            SELF,
            List.of(
                new HostPort("127.0.0.1", 5060),
                new HostPort("127.0.0.2", 5060),
                new HostPort("127.0.0.3", 5060)),
            List.of(new HostPort("127.0.0.2", 5060)),
            clock::get)) {
      for (int call = 0; call < 50; call++) {
        assertThat(members.ownerOfNewCall("call-" + call)).isEqualTo(OTHER);
      }
      assertThat(members.isPeer(STRANGER)).as("a member, though not ready").isTrue();
      assertThat(members.leaveNoticed()).as("the others see it leave by name").isPositive();
    }
    try (Members members =
        Members.following(
            SELF,
            List.of(new HostPort("127.0.0.1", 5060), new HostPort("127.0.0.2", 5060)),
            List.of(new HostPort("no-ready-member.invalid", 5060)),
            clock::get)) {
      assertThat(
              IntStream.range(0, 50)
                  .mapToObj(call -> members.ownerOfNewCall("call-" + call))
                  .distinct())
          .as("with no ready member named, every member owns new calls")
          .containsExactlyInAnyOrder(SELF, OTHER);
    }
  }

  @Test
  void aProxyWithNoMembersToFollowWaitsForNoLookUp() {
    Members members = new Members(SELF, List.of(OTHER));

    assertThat(members.mayBeNewMember(STRANGER)).isFalse();
    assertThat(members.leaveNoticed()).as("members by address never see one leave").isZero();
  }
}
