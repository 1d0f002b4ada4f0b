package io.trunkline.sip.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWatcherTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final Duration PERIOD = Duration.ofMillis(50);

  @TempDir Path dir;

  @Test
  void swapsToAChangedSnapshotAndKeepsTheLastGoodOneOverABrokenChange() throws Exception {
    Compilation first = compile(0);
    write(first);

    try (SnapshotWatcher watcher = SnapshotWatcher.start(config(), credentials(), PERIOD)) {
      Snapshot started = watcher.current();
      assertThat(started.config().version()).isEqualTo(first.config().version());

      Compilation second = compile(1);
      write(second);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watcher.current().config().version().equals(second.config().version()));
      assertThat(watcher.current().credentials().lines()).containsKey("line-0");
      // A dialog that took the first snapshot still holds it, whole.
      assertThat(started.config().lines()).isEmpty();

      replace(config(), "{ not json");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watcher.refusedReloads() == 1);
      assertThat(watcher.current().config().version()).isEqualTo(second.config().version());
    }
  }

  @Test
  void servesTheLinesOfEveryShardAndRereadsAChangedOne() throws Exception {
    LineShards.Split first = split(compile(40, "pw"), 2);
    writeSplit(first, Encoding.JSON);

    try (SnapshotWatcher watcher = SnapshotWatcher.start(config(), credentials(), PERIOD)) {
      Snapshot started = watcher.current();
      assertThat(started.config().version()).isEqualTo(first.trunk().version());
      assertThat(started.config().lines()).hasSize(40);
      assertThat(started.credentials().lines()).hasSize(40).containsKey("line-7");

      // The trunk grows to four shards: lines stay where they were or move to the new shards,
      // which the operator writes first, so for a moment a line may be read from two. They come
      // gzip'd now, as once the pool reads them so (decision 0032), for a moment beside plain ones.
      LineShards.Split grown = split(compile(40, "new"), 4);
      replace(
          dir.resolve(LineShards.fileName(3)),
          LineShards.file(grown.shards().get(3), Encoding.GZIP));
      replace(
          dir.resolve(LineShards.fileName(2)),
          LineShards.file(grown.shards().get(2), Encoding.GZIP));
      writeSplit(grown, Encoding.GZIP);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> watcher.current().config().version().equals(grown.trunk().version()));
      Snapshot now = watcher.current();
      assertThat(now.config().lines()).hasSize(40);
      assertThat(now.credentials().lines()).hasSize(40);
      // A shard holds a line's HA1 values in its algorithms (MD5 here) only.
      assertThat(now.credentials().lines().get("line-7"))
          .isEqualTo(compile(40, "new").credentials().lines().get("line-7").in(List.of("MD5")))
          .isNotEqualTo(started.credentials().lines().get("line-7"));

      replace(dir.resolve(LineShards.fileName(1)), "{ not json");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watcher.refusedReloads() == 1);
      assertThat(watcher.current()).isSameAs(now);
      byte[] gzipped = LineShards.file(grown.shards().get(1), Encoding.GZIP);
      replace(dir.resolve(LineShards.fileName(1)), Arrays.copyOf(gzipped, gzipped.length / 2));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watcher.refusedReloads() == 2);
      assertThat(watcher.current()).isSameAs(now);
    }
  }

  @Test
  void refusesToStartWithoutAUsableSnapshot() throws Exception {
    Files.writeString(config(), "{}");
    Files.writeString(credentials(), "{}");

    assertThatThrownBy(() -> SnapshotWatcher.start(config(), credentials(), PERIOD))
        .hasMessageContaining("not a TrunkConfig");
  }

  private Compilation compile(int lines) {
    return compile(lines, "pw");
  }

  private static LineShards.Split split(Compilation compilation, int shards) {
    return LineShards.split(compilation.config(), compilation.credentials(), shards);
  }

  /** The trunk's part and every shard, shards first as the operator writes them. */
  private void writeSplit(LineShards.Split split, Encoding encoding) throws Exception {
    for (int i = 0; i < split.shards().size(); i++) {
      replace(
          dir.resolve(LineShards.fileName(i)), LineShards.file(split.shards().get(i), encoding));
    }
    replace(credentials(), TrunkConfigJson.write(split.credentials()));
    replace(config(), TrunkConfigJson.write(split.trunk()));
  }

  private Compilation compile(int lines, String password) {
    SipTrunk trunk =
        YAML.unmarshal(
            "metadata: {name: acme, namespace: office}\n"
                + "spec: {channels: 5, carriers: [{name: a, address: 127.0.0.1}]}",
            SipTrunk.class);
    List<SipLine> sipLines =
        java.util.stream.IntStream.range(0, lines)
            .mapToObj(
                i ->
                    YAML.unmarshal(
                        "metadata: {name: line-%d}\nspec: {trunk: acme, number: \"+4930100%d\", username: line-%d, credentialsSecret: s}"
                            .formatted(i, i, i),
                        SipLine.class))
            .toList();
    return TrunkCompiler.compile(trunk, sipLines, List.of(), (s, k) -> Optional.of(password));
  }

  private void write(Compilation compilation) throws Exception {
    replace(credentials(), TrunkConfigJson.write(compilation.credentials()));
    replace(config(), TrunkConfigJson.write(compilation.config()));
  }

  /**
   * Replaces a file whole, as the kubelet updates a mounted ConfigMap (a symlink swap): a look
   * never sees it half written, so every refusal the test counts is one it meant.
   */
  private void replace(Path file, String text) throws Exception {
    replace(file, text.getBytes(StandardCharsets.UTF_8));
  }

  private void replace(Path file, byte[] bytes) throws Exception {
    Path next = Files.write(dir.resolve(file.getFileName() + ".next"), bytes);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private Path config() {
    return dir.resolve("trunk.json");
  }

  private Path credentials() {
    return dir.resolve("credentials.json");
  }
}
