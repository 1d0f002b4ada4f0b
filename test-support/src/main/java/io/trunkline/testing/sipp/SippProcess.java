package io.trunkline.testing.sipp;

import io.trunkline.testing.process.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running sipp. Closing it kills sipp if it is still running, so try-with-resources cleans up.
 */
public final class SippProcess implements AutoCloseable {

  /** Time given to sipp beyond its own timeout to write its statistics and exit. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final List<String> command;
  private final String localAddress;
  private final int localPort;
  private final SippTransport transport;
  private final Duration timeout;
  private final Path stats;
  private final Path errors;
  private final Path messages;
  private final Path screen;

  SippProcess(
      Process process,
      List<String> command,
      String localAddress,
      int localPort,
      SippTransport transport,
      Duration timeout,
      Path stats,
      Path errors,
      Path messages,
      Path screen) {
    this.process = process;
    this.command = command;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.transport = transport;
    this.timeout = timeout;
    this.stats = stats;
    this.errors = errors;
    this.messages = messages;
    this.screen = screen;
  }

  /** What sipp sent and received so far ({@code -trace_msg}), readable while it runs. */
  public Path messageLog() {
    return messages;
  }

  /** The port sipp listens on. */
  public int localPort() {
    return localPort;
  }

  /**
   * Waits until sipp holds its port, so a UAS is ready before its UAC starts. Fails if sipp dies
   * first or the time runs out.
   */
  public SippProcess awaitListening(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("sipp exited before listening: " + describe());
      }
      if (portTaken()) {
        return this;
      }
      sleep(Duration.ofMillis(20));
    }
    throw new IllegalStateException("sipp did not bind within " + limit + ": " + describe());
  }

  /** Waits, bounded by the run's timeout, for sipp to finish, then reads its statistics. */
  public SippResult await() {
    try {
      if (!process.waitFor(timeout.plus(EXIT_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(EXIT_GRACE.toSeconds(), TimeUnit.SECONDS);
        throw new IllegalStateException(
            "sipp overran its timeout of " + timeout + " and was killed: " + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for sipp", e);
    }
    int exitCode = process.exitValue();
    SippStatistics statistics;
    try {
      statistics = Files.exists(stats) ? SippStatistics.read(stats) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (statistics == null) {
      throw new IllegalStateException(
          "sipp exited with " + exitCode + " and wrote no statistics: " + describe());
    }
    return new SippResult(exitCode, statistics, read(errors), read(screen), messages);
  }

  /**
   * The run's figures so far, from the statistics sipp writes every second; zero before its first
   * row.
   */
  public SippStatistics statisticsSoFar() {
    try {
      return SippStatistics.read(stats);
    } catch (IOException notYet) {
      return new SippStatistics(0, 0, 0, 0, 0, 0, 0, Duration.ZERO);
    }
  }

  /** Whether sipp still runs. */
  public boolean running() {
    return process.isAlive();
  }

  /**
   * Tells sipp to place no new call and to exit once the calls up have ended (SIGUSR1), as a load
   * that ends when the test says, not after a count.
   */
  public void stopCalling() {
    if (process.isAlive()) {
      Commands.Result sent =
          Commands.run(
              Duration.ofSeconds(5), List.of("kill", "-USR1", Long.toString(process.pid())));
      if (sent.exitCode() != 0 && process.isAlive()) {
        throw new IllegalStateException("could not signal sipp: " + sent.output());
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(EXIT_GRACE.toSeconds(), TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(EXIT_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Whether a socket holds sipp's address, read from the kernel's socket tables. Binding a probe
   * socket instead would race sipp: a probe that holds the port for an instant makes sipp fail to
   * bind it.
   */
  private boolean portTaken() {
    try {
      return transport == SippTransport.UDP
          ? KernelSockets.udpBound(process.pid(), localAddress, localPort)
          : KernelSockets.tcpListening(process.pid(), localAddress, localPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String describe() {
    return String.join(" ", command) + "\n--- sipp output ---\n" + read(screen) + read(errors);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(unreadable " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
