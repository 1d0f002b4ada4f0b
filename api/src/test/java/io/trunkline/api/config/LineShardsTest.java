package io.trunkline.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class LineShardsTest {

  @Test
  void aTrunkTakesTheFewestShardsThatKeepEachNearItsSizeAndNeverFewerThanItHas() {
    assertThat(LineShards.count(0, 1000, 0)).isEqualTo(1);
    assertThat(LineShards.count(1000, 1000, 0)).isEqualTo(1);
    assertThat(LineShards.count(1001, 1000, 0)).isEqualTo(2);
    assertThat(LineShards.count(5000, 1000, 1)).isEqualTo(8);
    assertThat(LineShards.count(1_000_000, 1000, 0)).isEqualTo(LineShards.MAX_SHARDS);
    assertThat(LineShards.count(10, 1000, 4)).isEqualTo(4);
    assertThat(LineShards.count(10, 1000, 40)).isEqualTo(LineShards.MAX_SHARDS);
  }

  @Test
  void doublingTheShardsLeavesEachLineWhereItWasOrMovesItToANewShard() {
    for (int i = 0; i < 10_000; i++) {
      String name = "line-" + i;
      for (int shards = 1; shards < LineShards.MAX_SHARDS; shards *= 2) {
        int before = LineShards.shardOf(name, shards);
        assertThat(LineShards.shardOf(name, shards * 2)).isIn(before, before + shards);
      }
    }
  }

  @Test
  void linesNamedInSequenceSpreadEvenly() {
    int[] counts = new int[LineShards.MAX_SHARDS];
    for (int i = 0; i < 10_000; i++) {
      counts[LineShards.shardOf("line-" + i, LineShards.MAX_SHARDS)]++;
    }
    // 625 each if perfectly even.
    assertThat(Arrays.stream(counts).boxed().toList())
        .allSatisfy(count -> assertThat(count).isBetween(500, 750));
  }

  /**
   * A shard's file leaves out what is null (a display name not set, the SHA-256 HA1 of a line of
   * MD5 alone), and reads back as the shard it was written from.
   */
  @Test
  void aShardsFileLeavesOutAbsentFieldsAndReadsBackWhole() {
    LineShard shard =
        LineShard.of(
            List.of(
                new TrunkConfig.Line("anna", "+4930100", "anna", 1, null, List.of("MD5")),
                new TrunkConfig.Line("ben", "+4930200", "ben", 2, "Ben", List.of("SHA-256"))),
            Map.of(
                "anna", Digest.secret("anna", "acme", "pw-anna").in(List.of("MD5")),
                "ben", Digest.secret("ben", "acme", "pw-ben").in(List.of("SHA-256"))));

    String json = LineShards.json(shard);

    assertThat(json).doesNotContain("null");
    assertThat(json.split("ha1Md5", -1)).hasSize(2);
    assertThat(json.split("ha1Sha256", -1)).hasSize(2);
    assertThat(TrunkConfigJson.read(json, LineShard.class)).isEqualTo(shard);
  }

  /** Either encoding reads back as the shard; gzip'd, a shard of a hundred lines is a fifth. */
  @Test
  void aShardReadsBackFromItsFileInEitherEncoding() {
    List<TrunkConfig.Line> lines = new ArrayList<>();
    Map<String, DigestSecret> secrets = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      String name = "line-" + i;
      lines.add(new TrunkConfig.Line(name, "+49301" + i, name, 1, null, List.of("MD5")));
      secrets.put(name, Digest.secret(name, "acme", "pw-" + i).in(List.of("MD5")));
    }
    LineShard shard = LineShard.of(lines, secrets);

    byte[] plain = LineShards.file(shard, Encoding.JSON);
    byte[] gzipped = LineShards.file(shard, Encoding.GZIP);

    assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(LineShards.json(shard));
    assertThat(gzipped).startsWith(0x1f, 0x8b);
    assertThat(gzipped.length).isLessThan(plain.length / 3);
    assertThat(LineShards.read(plain)).isEqualTo(shard);
    assertThat(LineShards.read(gzipped)).isEqualTo(shard);
  }

  /**
   * A file that is no shard is refused with what is wrong with it, and nothing inflates unbound.
   */
  @Test
  void aDamagedOrEndlessShardFileIsRefusedSayingWhy() throws Exception {
    byte[] gzipped = LineShards.file(LineShard.of(List.of(), Map.of()), Encoding.GZIP);
    byte[] cut = Arrays.copyOf(gzipped, gzipped.length - 4);
    ByteArrayOutputStream endless = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(endless)) {
      // Blanks are JSON's own whitespace: only the bound stops them.
      byte[] blanks = new byte[1 << 20];
      Arrays.fill(blanks, (byte) ' ');
      for (int i = 0; i <= LineShards.MAX_INFLATED_BYTES >> 20; i++) {
        out.write(blanks);
      }
    }

    assertThatThrownBy(() -> LineShards.read(cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gzip is damaged");
    assertThatThrownBy(() -> LineShards.read(endless.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inflates past " + LineShards.MAX_INFLATED_BYTES);
    assertThatThrownBy(() -> LineShards.read("{\"lines\": [".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a LineShard");
  }

  /**
   * A shard carries a line's HA1 values in its algorithms only, the compilation all of them: the
   * whole credentials that proxies from before shards read keep both (decision 0010).
   */
  @Test
  void aShardCarriesALinesHa1ValuesInItsAlgorithmsOnly() {
    List<TrunkConfig.Line> lines =
        List.of(
            new TrunkConfig.Line("anna", "+4930100", "anna", 1, null, List.of("MD5")),
            new TrunkConfig.Line("ben", "+4930200", "ben", 1, null, List.of("SHA-256")),
            new TrunkConfig.Line("cleo", "+4930300", "cleo", 1, null, List.of("SHA-256", "MD5")));
    Map<String, DigestSecret> secrets = new HashMap<>();
    for (String user : List.of("anna", "ben", "cleo")) {
      secrets.put(user, Digest.secret(user, "acme", "pw-" + user));
    }
    TrunkConfig config = config(0).withLines(lines);
    TrunkCredentials credentials = credentials(0).withLines(secrets);

    LineShards.Split split = LineShards.split(config, credentials, 1);

    Map<String, DigestSecret> inShard = split.shards().get(0).credentials();
    assertThat(inShard.get("anna").ha1Md5()).isEqualTo(Digest.md5Hex("anna:acme:pw-anna"));
    assertThat(inShard.get("anna").ha1Sha256()).isNull();
    assertThat(inShard.get("ben").ha1Md5()).isNull();
    assertThat(inShard.get("ben").ha1Sha256()).isEqualTo(Digest.sha256Hex("ben:acme:pw-ben"));
    assertThat(inShard.get("cleo")).isEqualTo(secrets.get("cleo"));
    assertThat(split.whole(credentials).lines()).isEqualTo(secrets);
  }

  @Test
  void splittingAndJoiningGivesBackTheSnapshot() {
    TrunkConfig config = config(100);
    TrunkCredentials credentials = credentials(100);

    LineShards.Split split = LineShards.split(config, credentials, 4);

    assertThat(split.trunk().lines()).isEmpty();
    assertThat(split.credentials().lines()).isEmpty();
    assertThat(split.credentials().carriers()).isEqualTo(credentials.carriers());
    assertThat(split.shards())
        .hasSize(4)
        .allSatisfy(shard -> assertThat(shard.lines()).isNotEmpty());
    for (int i = 0; i < 4; i++) {
      int shard = i;
      assertThat(split.shards().get(i).lines())
          .allSatisfy(line -> assertThat(LineShards.shardOf(line.name(), 4)).isEqualTo(shard));
    }
    TrunkConfig joined = LineShards.join(split.trunk(), split.shards());
    assertThat(joined.lines()).containsExactlyInAnyOrderElementsOf(config.lines());
    assertThat(joined.withVersion("").withLines(config.lines())).isEqualTo(config);
    // As the proxies read them: each line's HA1 values in its algorithms.
    Map<String, DigestSecret> offered = new HashMap<>();
    for (TrunkConfig.Line line : config.lines()) {
      offered.put(
          line.username(), credentials.lines().get(line.username()).in(line.digestAlgorithms()));
    }
    assertThat(LineShards.join(split.credentials(), split.shards()))
        .isEqualTo(credentials.withLines(offered));
  }

  @Test
  void aLinesChangeVersionsItsShardAndTheTrunkAndNoOtherShard() {
    LineShards.Split first = LineShards.split(config(100), credentials(100), 4);
    LineShards.Split again = LineShards.split(config(100), credentials(100), 4);
    assertThat(again.trunk().version()).hasSize(16).isEqualTo(first.trunk().version());

    TrunkCredentials changed = credentials(100);
    Map<String, DigestSecret> lines = new HashMap<>(changed.lines());
    lines.put("u7", Digest.secret("u7", "acme", "a new password"));
    LineShards.Split next = LineShards.split(config(100), changed.withLines(lines), 4);

    int shard = LineShards.shardOf("line-7", 4);
    assertThat(next.trunk().version()).isNotEqualTo(first.trunk().version());
    for (int i = 0; i < 4; i++) {
      assertThat(next.shards().get(i).version().equals(first.shards().get(i).version()))
          .as("shard %d keeps its version", i)
          .isEqualTo(i != shard);
    }
  }

  /**
   * The version hashes fields, not the JSON written: every field a shard's file holds must change
   * it, or a change to that field would never reach the proxies.
   */
  @Test
  void everyFieldOfALineAndItsCredentialsChangesItsShardsVersion() {
    assertThat(TrunkConfig.Line.class.getRecordComponents())
        .as("a new field of a line must be hashed in LineShard.fingerprint")
        .hasSize(6);
    assertThat(DigestSecret.class.getRecordComponents())
        .as("a new field of a credential must be hashed in LineShard.fingerprint")
        .hasSize(3);
    TrunkConfig.Line line = new TrunkConfig.Line("a", "+491", "u", 1, null, List.of("MD5"));
    DigestSecret secret = new DigestSecret("u", "md5", "sha");
    String version = LineShard.of(List.of(line), Map.of("u", secret)).version();

    List<LineShard> changed =
        List.of(
            LineShard.of(
                List.of(new TrunkConfig.Line("b", "+491", "u", 1, null, List.of("MD5"))),
                Map.of("u", secret)),
            LineShard.of(
                List.of(new TrunkConfig.Line("a", "+492", "u", 1, null, List.of("MD5"))),
                Map.of("u", secret)),
            LineShard.of(
                List.of(new TrunkConfig.Line("a", "+491", "v", 1, null, List.of("MD5"))),
                Map.of("v", new DigestSecret("v", "md5", "sha"))),
            LineShard.of(
                List.of(new TrunkConfig.Line("a", "+491", "u", 2, null, List.of("MD5"))),
                Map.of("u", secret)),
            LineShard.of(
                List.of(new TrunkConfig.Line("a", "+491", "u", 1, "Anna", List.of("MD5"))),
                Map.of("u", secret)),
            LineShard.of(
                List.of(new TrunkConfig.Line("a", "+491", "u", 1, null, List.of("SHA-256"))),
                Map.of("u", secret)),
            LineShard.of(List.of(line), Map.of("u", new DigestSecret("x", "md5", "sha"))),
            LineShard.of(List.of(line), Map.of("u", new DigestSecret("u", "md5!", "sha"))),
            LineShard.of(List.of(line), Map.of("u", new DigestSecret("u", "md5", "sha!"))),
            // Fields run into each other only if their boundaries are not hashed.
            LineShard.of(
                List.of(new TrunkConfig.Line("a+", "491", "u", 1, null, List.of("MD5"))),
                Map.of("u", secret)));

    assertThat(changed).allSatisfy(shard -> assertThat(shard.version()).isNotEqualTo(version));
  }

  @Test
  void aLineFoundInTwoShardsIsTakenOnce() {
    LineShards.Split split = LineShards.split(config(10), credentials(10), 1);
    LineShard only = split.shards().get(0);

    TrunkConfig joined = LineShards.join(split.trunk(), List.of(only, only));

    assertThat(joined.lines()).hasSize(10);
    assertThat(LineShards.join(split.credentials(), List.of(only, only)).lines()).hasSize(10);
  }

  private static TrunkConfig config(int count) {
    List<TrunkConfig.Line> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(new TrunkConfig.Line("line-" + i, "+4930" + i, "u" + i, 1, null, List.of("MD5")));
    }
    return new TrunkConfig(
        "",
        "office",
        "acme",
        new TrunkConfig.Listener(5060, 5061, List.of("UDP"), null, null, List.of("MD5")),
        new TrunkConfig.Quota(10, 0),
        new TrunkConfig.Qos(24, 46),
        new TrunkConfig.Media(false, 20000, 29999, 0, 60),
        new TrunkConfig.Failover(2000, 10, 3, 2),
        List.of(),
        List.of(),
        new TrunkConfig.Pbx(List.of(), false),
        lines,
        List.of(),
        null,
        14400,
        null,
        null);
  }

  private static TrunkCredentials credentials(int count) {
    Map<String, DigestSecret> lines = new HashMap<>();
    for (int i = 0; i < count; i++) {
      lines.put("u" + i, Digest.secret("u" + i, "acme", "pw-" + i));
    }
    return new TrunkCredentials(
        "acme", lines, null, Map.of("carrier-a", new TrunkCredentials.Login("trunk", "secret")));
  }
}
