package io.trunkline.testing.wire;

import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bounded capture on the loopback interface with Wireshark's real capture engine (dumpcap),
 * decoded by the real tshark, for proving what went on the wire (DSCP marks, for one). Bounded by
 * packet count and duration; fails clearly without them.
 *
 * <p>Why dumpcap writes a file rather than tshark printing fields as it captures: both announce
 * "Capturing on" before they open the interface, so a burst sent right after the announcement is
 * missed whole (20 bursts of 100 datagrams out of 20 on this machine kind). dumpcap writes the
 * file's header only once the interface is open and the filter set, which is the one sign that the
 * capture takes packets.
 */
public final class Tshark implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(10);

  private final Process dumpcap;
  private final Path file;
  private final Path log;
  private final Duration limit;
  private final List<String> fields;

  private Tshark(Process dumpcap, Path file, Path log, Duration limit, List<String> fields) {
    this.dumpcap = dumpcap;
    this.file = file;
    this.log = log;
    this.limit = limit;
    this.fields = fields;
  }

  /**
   * Starts capturing on {@code lo} with a BPF {@code filter} and returns once the capture takes
   * packets.
   *
   * @param fields tshark field names printed per packet, comma-separated, e.g. ip.dsfield.dscp
   */
  public static Tshark capture(String filter, int packets, Duration limit, String... fields) {
    try {
      Path file = Files.createTempFile("capture", ".pcapng");
      Path log = Files.createTempFile("dumpcap", ".log");
      Process dumpcap =
          new ProcessBuilder(
                  Executables.require("tshark", "dumpcap"),
                  "-q",
                  "-i",
                  "lo",
                  "-f",
                  filter,
                  "-c",
                  Integer.toString(packets),
                  "-a",
                  "duration:" + limit.toSeconds(),
                  "-w",
                  file.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Tshark capture = new Tshark(dumpcap, file, log, limit, List.of(fields));
      capture.awaitHeader(filter);
      return capture;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits, bounded, for the capture to end and returns one line of fields per packet, decoded by
   * tshark.
   */
  public List<String> packets() {
    try {
      if (!dumpcap.waitFor(limit.toSeconds() + 10, TimeUnit.SECONDS)) {
        dumpcap.destroyForcibly();
      }
      List<String> command =
          new ArrayList<>(
              List.of(
                  Executables.require("tshark", "tshark"),
                  "-r",
                  file.toString(),
                  "-n",
                  "-T",
                  "fields",
                  "-E",
                  "separator=,"));
      for (String field : fields) {
        command.add("-e");
        command.add(field);
      }
      Process tshark = new ProcessBuilder(command).redirectError(log.toFile()).start();
      String decoded = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!tshark.waitFor(30, TimeUnit.SECONDS) || tshark.exitValue() != 0) {
        tshark.destroyForcibly();
        throw new IllegalStateException(
            "tshark could not read the capture: " + Files.readString(log));
      }
      return decoded.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    dumpcap.destroy();
    try {
      if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
        dumpcap.destroyForcibly();
      }
      Files.deleteIfExists(file);
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** dumpcap writes the file's header once its interface is open and its filter set. */
  private void awaitHeader(String filter) throws IOException {
    long deadline = System.nanoTime() + START.toNanos();
    try {
      while (!(Files.exists(file) && Files.size(file) > 0)) {
        if (!dumpcap.isAlive() || System.nanoTime() > deadline) {
          String said = Files.readString(log);
          close();
          throw new IllegalStateException(
              "dumpcap did not start capturing on lo with filter '" + filter + "': " + said);
        }
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException(e);
    }
  }
}
