package io.trunkline.testing.wire;

import io.trunkline.testing.process.Executables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bounded capture with the real tshark on the loopback interface, for proving what went on the
 * wire (DSCP marks, for one). Bounded by packet count and duration; fails clearly without tshark.
 */
public final class Tshark implements AutoCloseable {

  private final Process process;
  private final Path output;
  private final Duration limit;

  private Tshark(Process process, Path output, Duration limit) {
    this.process = process;
    this.output = output;
    this.limit = limit;
  }

  /**
   * Starts capturing on {@code lo} with a BPF {@code filter} and returns once tshark captures.
   *
   * @param fields tshark field names printed per packet, comma-separated, e.g. ip.dsfield.dscp
   */
  public static Tshark capture(String filter, int packets, Duration limit, String... fields) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Executables.require("tshark", "tshark"),
                "-i",
                "lo",
                "-f",
                filter,
                "-c",
                Integer.toString(packets),
                "-a",
                "duration:" + limit.toSeconds(),
                "-l",
                "-n",
                "-T",
                "fields",
                "-E",
                "separator=,"));
    for (String field : fields) {
      command.add("-e");
      command.add(field);
    }
    try {
      Path output = Files.createTempFile("tshark", ".txt");
      Process process = new ProcessBuilder(command).redirectOutput(output.toFile()).start();
      BufferedReader stderr =
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = stderr.readLine()) != null) {
        if (line.contains("Capturing on")) {
          Thread drain = new Thread(() -> drain(stderr), "tshark-stderr");
          drain.setDaemon(true);
          drain.start();
          return new Tshark(process, output, limit);
        }
      }
      throw new IllegalStateException("tshark exited before capturing: " + command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits, bounded, for the capture to end and returns one line of fields per packet. */
  public List<String> packets() {
    try {
      if (!process.waitFor(limit.toSeconds() + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return Files.readAllLines(output).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(BufferedReader stderr) {
    try {
      while (stderr.readLine() != null) {
        // tshark reports packet counts on stderr; nothing to keep
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }
}
