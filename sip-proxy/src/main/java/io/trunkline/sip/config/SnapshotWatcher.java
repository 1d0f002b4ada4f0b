package io.trunkline.sip.config;

import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Serves the snapshot the operator mounted (trunk.json from a ConfigMap; credentials.json and the
 * trunk's line shards, lines-N.json, from Secrets beside it, decision 0027, their JSON gzip'd or
 * not, decision 0032) and swaps it atomically when any file changes. Kubernetes updates such
 * volumes by swapping a symlink, so the files are read whole on each look rather than watched; only
 * shards whose bytes changed are parsed again. A change that does not parse is refused and the last
 * good snapshot stays in force.
 */
public final class SnapshotWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SnapshotWatcher.class.getName());

  private final Path configFile;
  private final Path credentialsFile;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  private final AtomicLong refused = new AtomicLong();
  private final ScheduledExecutorService poller;
  private volatile Contents last;
  private volatile Map<String, Shard> shards = Map.of();

  /** The files' bytes, the shards' by file name; a change to any is a change. */
  private record Contents(byte[] config, byte[] credentials, Map<String, byte[]> shards) {
    boolean sameAs(Contents other) {
      return other != null
          && Arrays.equals(config, other.config)
          && Arrays.equals(credentials, other.credentials)
          && shards.keySet().equals(other.shards.keySet())
          && shards.entrySet().stream()
              .allMatch(file -> Arrays.equals(file.getValue(), other.shards.get(file.getKey())));
    }
  }

  /** A shard as parsed, with the bytes it was parsed from. */
  private record Shard(byte[] bytes, LineShard lines) {}

  /** A snapshot and the shards it was joined from. */
  private record Parsed(Snapshot snapshot, Map<String, Shard> shards, int parsedShards) {}

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
    Parsed parsed = watcher.parse(contents);
    watcher.current.set(parsed.snapshot());
    watcher.shards = parsed.shards();
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
      Parsed parsed = parse(contents);
      shards = parsed.shards();
      Snapshot previous = current.getAndSet(parsed.snapshot());
      LOG.log(
          System.Logger.Level.INFO,
          "snapshot {0} replaces {1}: {2} lines in {3} shards, {4} of them read again",
          parsed.snapshot().config().version(),
          previous.config().version(),
          parsed.snapshot().config().lines().size(),
          parsed.shards().size(),
          parsed.parsedShards());
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
      Map<String, byte[]> shardFiles = new TreeMap<>();
      Path directory = credentialsFile.toAbsolutePath().getParent();
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (LineShards.isShardFile(name)) {
            shardFiles.put(name, Files.readAllBytes(file));
          }
        }
      }
      return new Contents(
          Files.readAllBytes(configFile), Files.readAllBytes(credentialsFile), shardFiles);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + configFile + ", " + credentialsFile + " or the shards beside it", e);
    }
  }

  /** Parses what changed since the last good snapshot and joins it with what did not. */
  private Parsed parse(Contents contents) {
    TrunkConfig trunk =
        TrunkConfigJson.read(
            new String(contents.config(), StandardCharsets.UTF_8), TrunkConfig.class);
    if (trunk.version() == null || trunk.version().isEmpty()) {
      throw new IllegalArgumentException(configFile + " holds no versioned snapshot");
    }
    TrunkCredentials credentials =
        TrunkConfigJson.read(
            new String(contents.credentials(), StandardCharsets.UTF_8), TrunkCredentials.class);
    Map<String, Shard> known = shards;
    Map<String, Shard> parsed = new TreeMap<>();
    int reparsed = 0;
    for (Map.Entry<String, byte[]> file : contents.shards().entrySet()) {
      Shard before = known.get(file.getKey());
      if (before != null && Arrays.equals(before.bytes(), file.getValue())) {
        parsed.put(file.getKey(), before);
        continue;
      }
      LineShard lines = LineShards.read(file.getValue());
      parsed.put(file.getKey(), new Shard(file.getValue(), lines));
      reparsed++;
    }
    List<LineShard> lines = parsed.values().stream().map(Shard::lines).toList();
    return new Parsed(
        new Snapshot(LineShards.join(trunk, lines), LineShards.join(credentials, lines)),
        parsed,
        reparsed);
  }
}
