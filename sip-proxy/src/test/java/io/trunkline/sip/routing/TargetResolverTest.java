package io.trunkline.sip.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.sip.OfficeTrunk;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.message.SipHeaders;
import io.trunkline.sip.metrics.Refusal;
import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.sip.registrar.Binding;
import io.trunkline.sip.registrar.InMemoryLocationStore;
import io.trunkline.sip.registrar.Registrar;
import io.trunkline.sip.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sip.address.URI;
import org.junit.jupiter.api.Test;

/** Where calls go, with an in-memory location store and carrier health as a set. */
class TargetResolverTest {

  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  private final ServedTrunk trunk = new ServedTrunk(OfficeTrunk.snapshot(4, 0));
  private final InMemoryLocationStore locations = new InMemoryLocationStore();
  private final Set<String> down = new HashSet<>();
  private final TargetResolver resolver =
      new TargetResolver(
          locations, carrier -> !down.contains(carrier), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void callsEveryRegisteredPhoneOfALineTogether() throws Exception {
    Line ben = TargetResolver.calledLine(trunk, uri(OfficeTrunk.BEN)).orElseThrow();
    assertThat(refusal(resolver.resolve(trunk, uri(OfficeTrunk.BEN), false, null, ben)).status())
        .isEqualTo(480);

    locations.update(
        Registrar.aor(ben),
        List.of(binding("sip:ben@127.0.0.3:5070", 5070), binding("sip:ben@127.0.0.4:5070", 5070)),
        NOW);
    List<List<CallTarget>> groups =
        targets(resolver.resolve(trunk, uri(OfficeTrunk.BEN), false, null, ben));

    assertThat(groups).hasSize(1);
    assertThat(groups.get(0)).hasSize(2);
  }

  @Test
  void triesTheRoutesCarriersOneGroupEachInPriorityOrderSkippingThoseDown() throws Exception {
    List<List<CallTarget>> both =
        targets(resolver.resolve(trunk, uri("+4930555000"), false, null, null));
    down.add("carrier-a");
    List<List<CallTarget>> onlyB =
        targets(resolver.resolve(trunk, uri("+4930555000"), false, null, null));
    down.add("carrier-b");
    Refusal none = refusal(resolver.resolve(trunk, uri("+4930555000"), false, null, null));

    assertThat(both)
        .extracting(g -> g.get(0).carrier().name())
        .containsExactly("carrier-a", "carrier-b");
    assertThat(onlyB).extracting(g -> g.get(0).carrier().name()).containsExactly("carrier-b");
    assertThat(both.get(0).get(0).requestUri().toString())
        .isEqualTo("sip:+4930555000@127.0.0.10:5060;user=phone");
    assertThat(none.status()).isEqualTo(503);
    assertThat(none.retryAfterSeconds()).isEqualTo(5);
  }

  @Test
  void recognisesAnEmergencyNumberAsDialledAndNothingElse() throws Exception {
    assertThat(TargetResolver.emergencyNumber(trunk, uri("112"))).contains("112");
    assertThat(TargetResolver.emergencyNumber(trunk, uri("1-1-0"))).contains("110");
    assertThat(TargetResolver.emergencyNumber(trunk, uri("1120"))).isEmpty();
    assertThat(TargetResolver.emergencyNumber(trunk, uri("+49112"))).isEmpty();
    assertThat(TargetResolver.emergencyNumber(trunk, uri("reception"))).isEmpty();
  }

  @Test
  void sendsAnEmergencyCallToItsCarriersEvenWhenProbesFoundThemDown() throws Exception {
    List<List<CallTarget>> up = targets(resolver.emergency(trunk, "112"));
    down.add("carrier-b");
    List<List<CallTarget>> down = targets(resolver.emergency(trunk, "112"));

    assertThat(up).extracting(g -> g.get(0).carrier().name()).containsExactly("carrier-b");
    assertThat(up.get(0).get(0).requestUri().toString())
        .isEqualTo("sip:112@127.0.0.11:5060;user=phone");
    assertThat(down).extracting(g -> g.get(0).carrier().name()).containsExactly("carrier-b");
  }

  @Test
  void refusesWhatThePolicyBlocksAndWhatNoRuleNames() throws Exception {
    Refusal blocked = refusal(resolver.resolve(trunk, uri("+49900123"), false, null, null));
    Refusal unknown = refusal(resolver.resolve(trunk, uri("+1555"), false, null, null));
    Refusal notANumber = refusal(resolver.resolve(trunk, uri("reception"), false, null, null));

    assertThat(blocked.status()).isEqualTo(403);
    assertThat(blocked.counted()).isEqualTo(RejectReason.BLOCKED);
    assertThat(unknown.counted()).isEqualTo(RejectReason.NO_ROUTE);
    assertThat(notANumber.status()).isEqualTo(404);
  }

  @Test
  void sendsACarriersCallToThePbxAtItsSourceAddress() throws Exception {
    List<List<CallTarget>> pbx =
        targets(resolver.resolve(trunk, uri("+4930123499"), true, null, null));

    assertThat(pbx.get(0).get(0).destination())
        .isEqualTo(new InetSocketAddress(OfficeTrunk.PBX, 5060));
  }

  private static URI uri(String user) throws Exception {
    return SipHeaders.ADDRESSES.createURI("sip:" + user + "@127.0.0.1");
  }

  private static Binding binding(String contact, int port) {
    return new Binding(
        contact,
        new InetSocketAddress(contact.substring(8, contact.lastIndexOf(':')), port),
        Transport.UDP,
        NOW.plusSeconds(3600),
        "reg",
        1);
  }

  private static List<List<CallTarget>> targets(TargetResolver.Resolution resolution) {
    assertThat(resolution).isInstanceOf(TargetResolver.Resolution.Targets.class);
    return ((TargetResolver.Resolution.Targets) resolution).groups();
  }

  private static Refusal refusal(TargetResolver.Resolution resolution) {
    assertThat(resolution).isInstanceOf(TargetResolver.Resolution.Refused.class);
    return ((TargetResolver.Resolution.Refused) resolution).refusal();
  }
}
