package io.trunkline.relay.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.trunkline.relay.control.Direction;
import io.trunkline.relay.port.PortPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionTableTest {

  private static final long IDLE = Duration.ofSeconds(30).toNanos();

  @Test
  void findsASessionByTheCallerTagAndAfterTheAnswerByTheCalleeTag() {
    SessionTable table = new SessionTable(10);
    RelaySession session = session("call-1", "caller-tag", 0);
    assertThat(table.add(session)).isTrue();

    assertThat(table.find("call-1", "caller-tag"))
        .contains(new SessionTable.Match(session, Direction.CALLER));
    assertThat(table.find("call-1", "callee-tag")).isEmpty();

    table.calleeTag(session, "callee-tag");

    assertThat(table.find("call-1", "callee-tag"))
        .contains(new SessionTable.Match(session, Direction.CALLEE));
    assertThat(table.find("call-2", "caller-tag")).isEmpty();
  }

  @Test
  void aLaterAnswerUnderAnotherTagReplacesTheFirst() {
    SessionTable table = new SessionTable(10);
    RelaySession session = session("call-1", "a", 0);
    table.add(session);
    table.calleeTag(session, "fork-1");
    table.calleeTag(session, "fork-2");

    assertThat(table.find("call-1", "fork-1")).isEmpty();
    assertThat(table.find("call-1", "fork-2")).isPresent();
    assertThat(session.toTag()).isEqualTo("fork-2");
  }

  @Test
  void refusesTheSessionBeyondTheMaximumAndADuplicateKey() {
    SessionTable table = new SessionTable(2);
    assertThat(table.add(session("call-1", "a", 0))).isTrue();
    assertThat(table.add(session("call-1", "a", 0))).isFalse();
    assertThat(table.add(session("call-2", "a", 0))).isTrue();

    assertThat(table.full()).isTrue();
    assertThat(table.add(session("call-3", "a", 0))).isFalse();
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void removesASessionOnceWithBothTags() {
    SessionTable table = new SessionTable(10);
    RelaySession session = session("call-1", "a", 0);
    table.add(session);
    table.calleeTag(session, "b");

    assertThat(table.remove(session)).isTrue();
    assertThat(table.remove(session)).isFalse();
    assertThat(table.find("call-1", "a")).isEmpty();
    assertThat(table.find("call-1", "b")).isEmpty();
    assertThat(table.full()).isFalse();
    assertThat(table.size()).isZero();
  }

  @Test
  void listsSessionsIdleForTheTimeoutSinceTheirLastActivity() {
    SessionTable table = new SessionTable(10);
    RelaySession quiet = session("quiet", "a", 0);
    RelaySession talking = session("talking", "a", 0);
    table.add(quiet);
    table.add(talking);
    talking.touch(Duration.ofSeconds(20).toNanos());

    assertThat(table.idle(Duration.ofSeconds(29).toNanos(), IDLE)).isEmpty();
    assertThat(table.idle(Duration.ofSeconds(30).toNanos(), IDLE)).containsExactly(quiet);
    assertThat(table.idle(Duration.ofSeconds(50).toNanos(), IDLE))
        .containsExactlyInAnyOrder(quiet, talking);
  }

  @Test
  void needsRoomForOneSession() {
    assertThatThrownBy(() -> new SessionTable(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static RelaySession session(String callId, String tag, long now) {
    return new RelaySession(new SessionKey(callId, tag), leg(), leg(), Runnable::run, now);
  }

  private static Leg leg() {
    return new Leg(new PortPair(30000), new EmbeddedChannel(), new EmbeddedChannel(), false);
  }
}
