package io.trunkline.sip.config;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.config.TrunkCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the snapshot the operator mounted (trunk.json from a ConfigMap, credentials.json from a
 * Secret) and swaps it atomically when either file changes. Kubernetes updates such volumes by
 * swapping a symlink, so the files are read whole on each look rather than watched; a change that
 * does not parse is refused and the last good snapshot stays in force.
 */
public final class SnapshotWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SnapshotWatcher.class.getName());

  private final Path configFile;
  private final Path credentialsFile;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final AtomicLong refused = new AtomicLong();
  private final ScheduledExecutorService poller;
  private volatile Contents last;

  /** Both files' bytes; a change to either is a change. */
  private record Contents(byte[] config, byte[] credentials) {
    boolean sameAs(Contents other) {
      return other != null
          && Arrays.equals(config, other.config)
          && Arrays.equals(credentials, other.credentials);
    }
  }

  private SnapshotWatcher(Path configFile, Path credentialsFile) {
    this.configFile = configFile;
    this.credentialsFile = credentialsFile;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "snapshot-watcher");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Loads the snapshot, failing at once if it is unusable (a proxy must not start without one),
   * then looks for changes every {@code period}.
   */
  public static SnapshotWatcher start(Path configFile, Path credentialsFile, Duration period) {
    SnapshotWatcher watcher = new SnapshotWatcher(configFile, credentialsFile);
    Contents contents = watcher.read();
    watcher.current.set(parse(contents, configFile));
    watcher.last = contents;
    watcher.poller.scheduleWithFixedDelay(
        watcher::look, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return watcher;
  }

  /** The snapshot for a new dialog. */
  public Snapshot current() {
    return current.get();
  }

  /** Changes that did not parse and were refused. */
  public long refusedReloads() {
    return refused.get();
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private void look() {
    try {
      Contents contents = read();
      if (contents.sameAs(last)) {
        return;
      }
      last = contents;
      Snapshot next = parse(contents, configFile);
      Snapshot previous = current.getAndSet(next);
      LOG.log(
          System.Logger.Level.INFO,
          "snapshot {0} replaces {1}",
          next.config().version(),
          previous.config().version());
    } catch (RuntimeException e) {
      refused.incrementAndGet();
      LOG.log(
          System.Logger.Level.WARNING,
          "refused a snapshot change, keeping "
              + current.get().config().version()
              + ": "
              + e.getMessage());
    }
  }

  private Contents read() {
    try {
      return new Contents(Files.readAllBytes(configFile), Files.readAllBytes(credentialsFile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + configFile + " or " + credentialsFile, e);
    }
  }

  private static Snapshot parse(Contents contents, Path configFile) {
    TrunkConfig trunk =
        TrunkConfigJson.read(
            new String(contents.config(), StandardCharsets.UTF_8), TrunkConfig.class);
    if (trunk.version() == null || trunk.version().isEmpty()) {
      throw new IllegalArgumentException(configFile + " holds no versioned snapshot");
    }
    TrunkCredentials credentials =
        TrunkConfigJson.read(
            new String(contents.credentials(), StandardCharsets.UTF_8), TrunkCredentials.class);
    return new Snapshot(trunk, credentials);
  }
}
