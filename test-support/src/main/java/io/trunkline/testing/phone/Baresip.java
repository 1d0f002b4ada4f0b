package io.trunkline.testing.phone;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real softphone, Debian's {@code baresip} (package {@code baresip-core}), on a loopback address
 * with a configuration folder of its own: it registers one account through a proxy with digest
 * credentials, answers calls at once, sends a WAV file as its microphone ({@code aufile}) and
 * writes what it decodes to a WAV file ({@code sndfile}); {@code aubridge} stands in for a sound
 * card. It is driven by typing commands ({@code /dial}, {@code /hangup}) on its standard input, as
 * a user at its console would. Closing it quits it, and kills it if it does not go.
 */
public final class Baresip implements AutoCloseable {

  /** Quits on its own after this, should the test's JVM die without closing it. */
  private static final Duration LIFETIME = Duration.ofMinutes(3);

  private static final Duration QUIT_LIMIT = Duration.ofSeconds(5);

  private static final Pattern DECODED = Pattern.compile("sndfile: dumping decode audio to (\\S+)");

  private final Process process;
  private final Path dir;
  private final OutputStream commands;

  /**
   * One phone's account and media.
   *
   * @param user the user part of its address of record, which is also its digest user name
   * @param address the loopback address it uses for SIP and RTP (127.0.0.x)
   * @param rtpPorts first of the 100 RTP/RTCP ports it may take, below the kernel's ephemeral range
   *     so that no other socket of the test holds them
   * @param microphone a WAV file (8000 Hz, mono, 16 bit) it sends as its audio
   */
  public record Phone(
      String user, String password, String address, int rtpPorts, Path microphone) {}

  private Baresip(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
    this.commands = process.getOutputStream();
  }

  /**
   * Starts {@code phone} in {@code dir} (its configuration folder, log and recordings), registering
   * at the proxy {@code registrar} over UDP; PCMU is its only codec, as on a basic desk phone.
   */
  public static Baresip start(Path dir, Phone phone, InetSocketAddress registrar) {
    String binary = Executables.require("baresip-core", "baresip");
    String proxy = registrar.getAddress().getHostAddress() + ":" + registrar.getPort();
    int sipPort = LoopbackPorts.freePort(phone.address());
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("config"),
          String.join(
              "\n",
              "poll_method epoll",
              "sip_listen " + phone.address() + ":" + sipPort,
              // The address its SDP names; without it baresip takes the default route's.
              "net_interface " + phone.address(),
              "call_local_timeout 30",
              "audio_source aufile," + phone.microphone().toAbsolutePath(),
              "audio_player aubridge," + phone.user(),
              "audio_alert aubridge," + phone.user(),
              "ausrc_format s16",
              "auplay_format s16",
              "auenc_format s16",
              "audec_format s16",
              "rtp_ports " + phone.rtpPorts() + "-" + (phone.rtpPorts() + 99),
              "rtcp_mux no",
              "module_path /usr/lib/baresip/modules",
              "module stdio.so",
              "module g711.so",
              "module sndfile.so",
              "module aufile.so",
              "module aubridge.so",
              "module_tmp account.so",
              "module_app menu.so",
              "snd_path " + dir.toAbsolutePath(),
              ""));
      Files.writeString(
          dir.resolve("accounts"),
          "<sip:%s@%s>;auth_pass=%s;outbound=\"sip:%s;transport=udp\";regint=600;answermode=auto;audio_codecs=PCMU\n"
              .formatted(phone.user(), proxy, phone.password(), proxy));
      Process process =
          new ProcessBuilder(
                  List.of(
                      binary,
                      "-f",
                      dir.toAbsolutePath().toString(),
                      "-t",
                      Long.toString(LIFETIME.toSeconds())))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("baresip.log").toFile())
              .start();
      return new Baresip(process, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start baresip", e);
    }
  }

  /** Types {@code command} at its console, for example {@code /dial sip:+4930123402@host}. */
  public void command(String command) {
    try {
      commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("baresip no longer takes commands:\n" + log(), e);
    }
  }

  /**
   * Waits up to {@code limit} for a line of its log matching {@code pattern}, and returns the
   * match; empty when none came in time or the phone exited.
   */
  public Optional<Matcher> awaitLog(Pattern pattern, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      // Its console redraws status lines with carriage returns: they end a line too.
      for (String line : log().split("[\r\n]+")) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return Optional.of(matcher);
        }
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        return Optional.empty();
      }
      sleep(50);
    }
  }

  /**
   * The file {@code sndfile} writes the audio of its current call to as it decodes it, once the
   * call's media started (within {@code limit}); empty if it did not.
   */
  public Optional<Path> decodedAudio(Duration limit) {
    return awaitLog(DECODED, limit).map(m -> Path.of(m.group(1)));
  }

  /** Everything it printed so far. */
  public String log() {
    try {
      return Files.readString(dir.resolve("baresip.log"), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Quits it as its user would (calls end with BYE, it unregisters), killing it if it hangs. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        try {
          command("/quit");
        } catch (UncheckedIOException alreadyGoing) {
          // its console closed: it is exiting anyway
        }
      }
      if (!process.waitFor(QUIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(QUIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
