package io.trunkline.sip.standalone;

import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.Problem;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.sip.config.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The snapshot of a folder of YAML, compiled by the operator's compiler and swapped when the folder
 * changes, the way pods swap theirs when the operator writes a new one. A change that does not
 * compile is reported and the last good snapshot stays in force.
 */
final class FolderSnapshots implements Supplier<Snapshot>, AutoCloseable {

  private final Path folder;
  private final String trunkName;
  private final PrintStream log;
  private final ScheduledExecutorService poller;
  private volatile Snapshot current;
  private volatile String fingerprint;

  private FolderSnapshots(Path folder, String trunkName, PrintStream log) {
    this.folder = folder;
    this.trunkName = trunkName;
    this.log = log;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "folder-snapshots");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Compiles the folder once, failing when it is unusable: a proxy must not start without a
   * snapshot.
   *
   * @throws IllegalArgumentException naming every field or reference that is wrong
   */
  static FolderSnapshots load(Path folder, String trunkName, PrintStream log) {
    FolderSnapshots snapshots = new FolderSnapshots(folder, trunkName, log);
    snapshots.fingerprint = snapshots.fingerprint();
    snapshots.current = snapshots.compile();
    return snapshots;
  }

  /** Looks for changes every {@code period}. */
  void watch(Duration period) {
    poller.scheduleWithFixedDelay(
        this::look, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Snapshot get() {
    return current;
  }

  private void look() {
    String now;
    try {
      now = fingerprint();
    } catch (UncheckedIOException e) {
      log.printf("%s cannot be read now (%s); the snapshot stays%n", folder, e.getMessage());
      return;
    }
    if (now.equals(fingerprint)) {
      return;
    }
    fingerprint = now;
    try {
      Snapshot next = compile();
      current = next;
      log.printf(
          "reloaded %s: snapshot %s, %d lines, %d routes%n",
          folder,
          next.config().version(),
          next.config().lines().size(),
          next.config().routes().size());
    } catch (RuntimeException e) {
      log.printf(
          "%s changed but does not compile; keeping snapshot %s:%n  %s%n",
          folder, current.config().version(), e.getMessage());
    }
  }

  private Snapshot compile() {
    FolderResources resources = FolderResources.load(folder);
    List<String> missing = resources.missingRequiredFields();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          folder + " is not usable:\n  " + String.join("\n  ", missing));
    }
    SipTrunk trunk = pick(resources.trunks(), trunkName, folder);
    if (trunk.getMetadata().getNamespace() == null) {
      trunk.getMetadata().setNamespace("standalone");
    }
    Compilation compilation =
        TrunkCompiler.compile(
            trunk, resources.lines(), resources.policies(), resources.secretLookup());
    for (Problem problem : compilation.problems()) {
      log.printf(
          "%s %s: %s (%s)%n", problem.kind(), problem.name(), problem.message(), problem.reason());
    }
    if (compilation.blocked()) {
      throw new IllegalArgumentException(
          "trunk " + trunk.getMetadata().getName() + " cannot start: see the problems above");
    }
    return new Snapshot(compilation.config(), compilation.credentials());
  }

  /** Names, sizes and modification times of the folder's files: any edit changes it. */
  private String fingerprint() {
    try (Stream<Path> files = Files.list(folder)) {
      StringBuilder print = new StringBuilder();
      for (Path file : files.sorted().toList()) {
        print
            .append(file.getFileName())
            .append(':')
            .append(Files.size(file))
            .append(':')
            .append(Files.getLastModifiedTime(file).toMillis())
            .append('\n');
      }
      return print.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  private static SipTrunk pick(List<SipTrunk> trunks, String name, Path folder) {
    if (name != null) {
      return trunks.stream()
          .filter(t -> name.equals(t.getMetadata().getName()))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no SipTrunk " + name + " in " + folder));
    }
    if (trunks.size() != 1) {
      throw new IllegalArgumentException(
          folder + " holds " + trunks.size() + " SipTrunks; name one with --trunk");
    }
    return trunks.get(0);
  }
}
