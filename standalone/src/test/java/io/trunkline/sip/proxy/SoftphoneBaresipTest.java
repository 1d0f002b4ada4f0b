package io.trunkline.sip.proxy;

import static io.trunkline.sip.proxy.TestTrunk.ANNA_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.ANNA_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.BEN;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PASSWORD;
import static io.trunkline.sip.proxy.TestTrunk.BEN_PHONE;
import static io.trunkline.sip.proxy.TestTrunk.PROXY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trunkline.testing.phone.Baresip;
import io.trunkline.testing.phone.Tone;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real softphones through the standalone edge (issue 14): Debian's baresip 1.0, which answers MD5
 * digest challenges only and gives up on a 401 with any challenge in an algorithm it does not know.
 * With the trunk's default (one MD5 challenge, decision 0010) two of them register and call each
 * other, each hearing the other's tone through the relay; a trunk that offers SHA-256 as well locks
 * such a phone out unless its line offers MD5 alone.
 */
class SoftphoneBaresipTest {

  /** baresip's line for a registration its registrar accepted: {@code {0/UDP/v4} 200 OK ...}. */
  private static final Pattern REGISTERED =
      Pattern.compile("\\{0/UDP/v4\\} 200 OK .*\\[1 binding\\]");

  /** baresip's line for a registration it gave up: an error, or a final response it cannot use. */
  private static final Pattern NOT_REGISTERED = Pattern.compile("reg: .*(Register: |\\d{3} )");

  private static final Pattern ESTABLISHED = Pattern.compile("Call established");
  private static final Pattern MEDIA_FROM =
      Pattern.compile("incoming rtp for 'audio' established, receiving from ([0-9.]+):([0-9]+)");
  private static final Pattern ENDED = Pattern.compile("Call with .* terminated");

  private static final Duration SIGNALLING = Duration.ofSeconds(15);

  /** Two seconds of PCMU, 8000 samples of 16 bits a second, after the WAV header. */
  private static final long TWO_SECONDS = 44 + 2 * 8000 * 2;

  @TempDir Path work;

  @RegisterExtension final TestTrunk trunk = new TestTrunk();

  @Test
  void twoPhonesRegisterAndEachHearsTheOthersToneThroughTheRelay() throws Exception {
    trunk.relayMedia = true;
    trunk.start(work.resolve("trunk"));
    Path annaTone = Tone.write(work.resolve("anna-1000hz.wav"), 1000, Duration.ofSeconds(60));
    Path benTone = Tone.write(work.resolve("ben-600hz.wav"), 600, Duration.ofSeconds(60));

    Path benHeard;
    Path annaHeard;
    String benMedia;
    try (Baresip ben = phone("ben", BEN_PASSWORD, BEN_PHONE, 24_100, benTone);
        Baresip anna = phone("anna", ANNA_PASSWORD, ANNA_PHONE, 24_000, annaTone)) {
      expect(ben, REGISTERED);
      expect(anna, REGISTERED);

      anna.command("/dial sip:" + BEN + "@" + PROXY + ":" + trunk.port);
      expect(anna, ESTABLISHED);
      expect(ben, ESTABLISHED);
      benMedia = expect(ben, MEDIA_FROM).group(2);
      benHeard = recording(ben);
      annaHeard = recording(anna);
      awaitSize(benHeard, TWO_SECONDS);
      awaitSize(annaHeard, TWO_SECONDS);
      anna.command("/hangup");
      expect(ben, ENDED);
    }

    // Ben's phone decoded Anna's 1000 Hz and nothing of its own 600 Hz, and the other way round.
    Tone.Presence benHears = Tone.measure(benHeard, 1000);
    Tone.Presence annaHears = Tone.measure(annaHeard, 600);
    assertThat(benHears.heard(1.5, 0.9)).as("Ben heard %s", benHears).isTrue();
    assertThat(Tone.measure(benHeard, 600).purity()).isLessThan(0.1);
    assertThat(annaHears.heard(1.5, 0.9)).as("Anna heard %s", annaHears).isTrue();
    // Through the relay: Ben's media came from one of its ports, and it counted both directions
    // (two seconds each way at least: 2 x 100 packets of 20 ms).
    assertThat(Integer.parseInt(benMedia)).isBetween(trunk.rtpPortMin, trunk.rtpPortMax);
    await()
        .atMost(SIGNALLING)
        .untilAsserted(
            () -> assertThat(metric("trunkline_relay_packets_total")).isGreaterThanOrEqualTo(200));
  }

  /**
   * The report of issue 14, and its remedy per line: with MD5 and SHA-256 offered (what the proxy
   * did before it was a setting), baresip 1.0 refuses the whole 401 for its SHA-256 challenge
   * ("Register: Function not implemented") and never registers; Anna's line, set to MD5 alone on
   * the same trunk, registers.
   */
  @Test
  void aPhoneThatKnowsOnlyMd5IsLockedOutBySha256UnlessItsLineOffersMd5Alone() throws Exception {
    trunk.digestAlgorithms = "[MD5, SHA-256]";
    trunk.annaDigestAlgorithms = "[MD5]";
    trunk.start(work.resolve("trunk"));
    Path tone = Tone.write(work.resolve("tone.wav"), 1000, Duration.ofSeconds(5));

    try (Baresip ben = phone("ben", BEN_PASSWORD, BEN_PHONE, 24_100, tone);
        Baresip anna = phone("anna", ANNA_PASSWORD, ANNA_PHONE, 24_000, tone)) {
      expect(anna, REGISTERED);
      expect(ben, NOT_REGISTERED);

      assertThat(ben.awaitLog(REGISTERED, Duration.ZERO)).isEmpty();
    }
  }

  private Baresip phone(String user, String password, String address, int rtpPorts, Path tone) {
    return Baresip.start(
        work.resolve(user),
        new Baresip.Phone(user, password, address, rtpPorts, tone),
        new InetSocketAddress(PROXY, trunk.port));
  }

  private Matcher expect(Baresip phone, Pattern line) {
    Optional<Matcher> seen = phone.awaitLog(line, SIGNALLING);
    assertThat(seen).as("%s in the phone's log:%n%s%s", line, phone.log(), trunk.log()).isPresent();
    return seen.get();
  }

  private static Path recording(Baresip phone) {
    Optional<Path> file = phone.decodedAudio(SIGNALLING);
    assertThat(file).as("a recording of the call:%n%s", phone.log()).isPresent();
    return file.get();
  }

  /** Waits, within a bound, until a recording holds {@code bytes}: audio keeps arriving. */
  private static void awaitSize(Path recording, long bytes)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SIGNALLING.toNanos();
    while (Files.size(recording) < bytes && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(Files.size(recording))
        .as("bytes recorded in %s", recording)
        .isGreaterThanOrEqualTo(bytes);
  }

  private double metric(String name) throws Exception {
    return trunk
        .metrics()
        .lines()
        .filter(line -> line.startsWith(name + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
