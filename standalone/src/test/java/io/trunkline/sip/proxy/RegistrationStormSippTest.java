package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.ANNA_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.sip.metrics.RejectReason;
import io.trunkline.testing.sipp.Sipp;
import io.trunkline.testing.sipp.SippResult;
import io.trunkline.testing.sipp.SippTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registration storms with the real sipp (decision 0022): a source over its REGISTER rate is
 * answered 503 with Retry-After, counted, while other phones, even behind the same address, still
 * register; a trunk's own spec.registration is held to instead of the defaults.
 */
class RegistrationStormSippTest {

  /** A flooder; later, a second phone behind the same address (another port, as behind NAT). */
  private static final String FLOODER = "127.0.0.66";

  private static final int FLOOD = 150;

  /** Against a trunk's own small limits: far more than they let through at once. */
  private static final int SMALL_FLOOD = 20;

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @Test
  void aFloodFromOneSourceGets503WithRetryAfterWhileOtherPhonesStillRegister() throws Exception {
    trunk.start(work.resolve("trunk"));
    SippResult flood = flood(FLOOD);
    SippResult anna =
        trunk
            .towardsProxy(TestTrunk.register("anna", ANNA_PASSWORD), ANNA_PHONE, SippTransport.UDP)
            .start(work)
            .await();
    SippResult neighbour =
        trunk
            .towardsProxy(
                TestTrunk.register("ben", BEN_PASSWORD).named("register-neighbour"),
                FLOODER,
                SippTransport.UDP)
            .start(work)
            .await();

    // Every REGISTER was challenged or refused with a Retry-After (sipp checks it on each 503).
    assertThat(flood.allCallsSucceeded()).as(flood.toString()).isTrue();
    String log = Files.readString(flood.messageLog());
    Set<String> challenged = callIdsAnswered(log, "401 Unauthorized");
    Set<String> refused = callIdsAnswered(log, "503 Too Many Registrations");
    assertThat(challenged.size() + refused.size()).isEqualTo(FLOOD);
    // The source's burst went through at once; at 1000 a second, most of the rest did not.
    assertThat(challenged).hasSizeGreaterThanOrEqualTo(30);
    assertThat(refused).isNotEmpty();
    assertThat(log).contains("Retry-After: 6");
    assertThat(trunk.proxy().metrics().rejected(RejectReason.REGISTER_RATE))
        .isEqualTo(refused.size());
    assertThat(trunk.metrics())
        .containsPattern(
            "trunkline_calls_rejected_total\\{[^}]*reason=\"register-rate\"[^}]*\\} "
                + refused.size()
                + "\\.0");

    assertThat(anna.allCallsSucceeded()).as(anna.toString()).isTrue();
    assertThat(neighbour.allCallsSucceeded()).as(neighbour.toString()).isTrue();
  }

  @Test
  void aTrunksOwnLimitForOneSourceIsTheOneApplied() throws Exception {
    // A source's burst of 3 at 1 a second, where the default is 30 at 5.
    trunk.registration = "{perSourcePerSecond: 1, perSourceBurst: 3}";
    trunk.start(work.resolve("trunk"));

    SippResult flood = flood(SMALL_FLOOD);

    assertThat(flood.allCallsSucceeded()).as(flood.toString()).isTrue();
    String log = Files.readString(flood.messageLog());
    Set<String> challenged = callIdsAnswered(log, "401 Unauthorized");
    Set<String> refused = callIdsAnswered(log, "503 Too Many Registrations");
    assertThat(challenged.size() + refused.size()).isEqualTo(SMALL_FLOOD);
    // Its burst of 3, and a token a second while the flood lasts: never the default's 30.
    assertThat(challenged).hasSizeGreaterThanOrEqualTo(3).hasSizeLessThan(SMALL_FLOOD);
    // Back when its bucket is full again: 3 tokens at 1 a second.
    assertThat(log).contains("Retry-After: 3").doesNotContain("Retry-After: 6");
    assertThat(trunk.proxy().metrics().rejected(RejectReason.REGISTER_RATE))
        .isEqualTo(refused.size());
  }

  @Test
  void aTrunksOwnLimitForAllSourcesIsTheOneApplied() throws Exception {
    // The trunk's burst of 5 at 1 a second, below one source's default burst of 30.
    trunk.registration = "{perTrunkPerSecond: 1, perTrunkBurst: 5}";
    trunk.start(work.resolve("trunk"));

    SippResult flood = flood(SMALL_FLOOD);

    assertThat(flood.allCallsSucceeded()).as(flood.toString()).isTrue();
    String log = Files.readString(flood.messageLog());
    Set<String> challenged = callIdsAnswered(log, "401 Unauthorized");
    Set<String> busy = callIdsAnswered(log, "503 Registrar Busy");
    assertThat(challenged.size() + busy.size()).isEqualTo(SMALL_FLOOD);
    assertThat(challenged).hasSizeGreaterThanOrEqualTo(5).hasSizeLessThan(SMALL_FLOOD);
    assertThat(trunk.proxy().metrics().rejected(RejectReason.REGISTER_RATE)).isEqualTo(busy.size());
  }

  @Test
  void aChangedTrunkHoldsTheNextRegistersToItsNewLimits() throws Exception {
    Path folder = work.resolve("trunk");
    trunk.start(folder);
    SippResult before = flood(SMALL_FLOOD, "register-flood-before");

    trunk.registration = "{perSourcePerSecond: 1, perSourceBurst: 3}";
    trunk.rewrite(folder);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> trunk.edge().config().registration().perSource().burst() == 3);
    SippResult after = flood(SMALL_FLOOD, "register-flood-after");

    // Within the default burst of 30: every REGISTER challenged.
    assertThat(before.allCallsSucceeded()).as(before.toString()).isTrue();
    String beforeLog = Files.readString(before.messageLog());
    assertThat(callIdsAnswered(beforeLog, "401 Unauthorized")).hasSize(SMALL_FLOOD);
    assertThat(beforeLog).doesNotContain("503 Too Many Registrations");
    // The same flood under the new figures, with no restart.
    assertThat(after.allCallsSucceeded()).as(after.toString()).isTrue();
    String afterLog = Files.readString(after.messageLog());
    assertThat(callIdsAnswered(afterLog, "503 Too Many Registrations")).isNotEmpty();
    assertThat(afterLog).contains("Retry-After: 3");
  }

  /** {@code registers} REGISTERs as fast as sipp sends them, all from the flooder's one port. */
  private SippResult flood(int registers) {
    return flood(registers, "register-flood");
  }

  /** The same, its files in the work folder under {@code name}. */
  private SippResult flood(int registers, String name) {
    return trunk
        .towardsProxy(
            Sipp.bundled("register-flood").named(name).option("-s", "anna"),
            FLOODER,
            SippTransport.UDP)
        .calls(registers)
        .rate(1000)
        .start(work)
        .await();
  }

  /** The Call-IDs of the responses with this status line sipp received, each once. */
  private static Set<String> callIdsAnswered(String log, String status) {
    Matcher answers =
        Pattern.compile(
                "SIP/2\\.0 " + Pattern.quote(status) + "\r?\n(?:[^\r\n]+\r?\n)*?Call-ID: (\\S+)")
            .matcher(log);
    return answers.results().map(m -> m.group(1)).collect(Collectors.toSet());
  }
}
