package io.trunkline.sip.config;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The trunk for new calls: the current snapshot, made ready ({@link ServedTrunk}) once per version,
 * however many calls ask for it. Live calls keep the one they started with.
 */
public final class ServedTrunks implements Supplier<ServedTrunk> {

  private final Supplier<Snapshot> snapshots;
  private final Consumer<ServedTrunk> onNewVersion;
  private volatile ServedTrunk served;

  /**
   * @param onNewVersion told of each version once it is ready, before any call uses it
   */
  public ServedTrunks(Supplier<Snapshot> snapshots, Consumer<ServedTrunk> onNewVersion) {
    this.snapshots = snapshots;
    this.onNewVersion = onNewVersion;
  }

  @Override
  public ServedTrunk get() {
    Snapshot snapshot = snapshots.get();
    ServedTrunk current = served;
    if (current == null || current.snapshot() != snapshot) {
      current = new ServedTrunk(snapshot);
      onNewVersion.accept(current);
      served = current;
    }
    return current;
  }
}
