package io.trunkline.testing.redis;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a loopback address, for a test's lifetime: nothing saved to disk,
 * its log in the test's folder. It can be stopped and started again on the same address, as a store
 * outage looks to its clients; closing it kills it whatever happened.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_LIMIT = Duration.ofSeconds(10);

  private final String address;
  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(String address, int port, Path dir) {
    this.address = address;
    this.port = port;
    this.dir = dir;
  }

  /** Starts one on {@code address} (127.0.0.x), on a free port, with its files in {@code dir}. */
  public static RedisServer start(String address, Path dir) {
    RedisServer server = new RedisServer(address, LoopbackPorts.freePort(address), dir);
    server.startAgain();
    return server;
  }

  public String host() {
    return address;
  }

  public int port() {
    return port;
  }

  /** Stops it at once (SIGKILL): its clients see the connection drop, as in an outage. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts it again on its address and port, empty, as a restarted store without persistence. */
  public void startAgain() {
    String binary = Executables.require("redis-server", "redis-server");
    try {
      Files.createDirectories(dir);
      process =
          new ProcessBuilder(
                  List.of(
                      binary,
                      "--bind",
                      address,
                      "--port",
                      Integer.toString(port),
                      // Bound to one address of this machine, which may not be loopback (pods
                      // reach it on a node's address); protected mode would refuse them.
                      "--protected-mode",
                      "no",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--dir",
                      dir.toString(),
                      "--logfile",
                      dir.resolve("redis.log").toString()))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.out").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start redis-server", e);
    }
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + log());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(address, port), 200);
        return;
      } catch (IOException notYet) {
        sleep();
      }
    }
    stop();
    throw new IllegalStateException("redis-server did not listen within " + START_LIMIT);
  }

  private String log() {
    try {
      Path log = dir.resolve("redis.log");
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(unreadable log: " + e.getMessage() + ")";
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
