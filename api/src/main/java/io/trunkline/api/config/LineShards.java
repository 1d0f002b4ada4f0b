package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Splits a trunk's snapshot into the trunk's own part and its lines in shards, and joins them again
 * where a proxy reads them (decision 0027). A line's change then rewrites the one shard it is in,
 * not its whole trunk, and a trunk may hold more lines than one object of the API server can.
 *
 * <p>A line's shard follows from its name and the number of shards, a power of two: when a trunk
 * doubles its shards, each line stays where it was or moves to a shard that did not exist before.
 */
public final class LineShards {

  /** The most shards a trunk's lines are spread over: the proxies' pods name each of them. */
  public static final int MAX_SHARDS = 16;

  private static final Pattern FILE = Pattern.compile("lines-\\d+\\.json");

  /**
   * The most a gzip'd shard may inflate to. The API server keeps a Secret under 1 MiB, and a
   * shard's JSON compresses about five times, so a shard the operator wrote stays far below; a file
   * crafted to inflate without end is refused instead of filling the proxy's heap.
   */
  static final int MAX_INFLATED_BYTES = 32 << 20;

  /** The first two bytes of every gzip member (RFC 1952 §2.3.1); no JSON text starts with 0x1f. */
  private static final int GZIP_ID1 = 0x1f;

  private static final int GZIP_ID2 = 0x8b;

  /**
   * How a shard's file holds its JSON (decision 0032). Gzip'd, a shard is a fifth of its size, so a
   * line's change writes, sends and stores that much less; a proxy tells the two apart by their
   * first bytes, so its file keeps its name.
   */
  public enum Encoding {
    /** Compact JSON, as every proxy since decision 0027 reads it. */
    JSON,
    /** The same JSON, gzip'd: only proxies since decision 0032 read it. */
    GZIP
  }

  private LineShards() {}

  /** The file, and the key of its Secret, that shard {@code shard} is written to. */
  public static String fileName(int shard) {
    return "lines-" + shard + ".json";
  }

  /** Whether a file beside a trunk's credentials holds one of its shards. */
  public static boolean isShardFile(String name) {
    return FILE.matcher(name).matches();
  }

  /**
   * The trunk's part and its shards.
   *
   * @param trunk the snapshot without its lines, versioned by its own content and its shards'
   *     versions, so that its version names the whole snapshot
   * @param credentials the PBX's and carriers' credentials, without the lines'
   * @param shards the lines and their credentials, shard {@code i} at index {@code i}
   */
  public record Split(TrunkConfig trunk, TrunkCredentials credentials, List<LineShard> shards) {
    public Split {
      shards = List.copyOf(shards);
    }

    /**
     * The whole snapshot under this split's version, as proxies from before decision 0027 read it
     * from trunk.json alone while a pool rolls to the shards.
     */
    public TrunkConfig whole(TrunkConfig compiled) {
      return trunk.withLines(compiled.lines());
    }

    /** The whole credentials, as proxies from before decision 0027 read them. */
    public TrunkCredentials whole(TrunkCredentials compiled) {
      return credentials.withLines(compiled.lines());
    }
  }

  /**
   * How many shards hold {@code lines}: the fewest, as a power of two, that keep each near {@code
   * linesPerShard}, up to {@link #MAX_SHARDS}, and never fewer than {@code existing}, since halving
   * them would move lines into shards the proxies already read, where removing a line from one
   * shard and adding it to another cannot be one write.
   */
  public static int count(int lines, int linesPerShard, int existing) {
    int needed = 1;
    while (needed < MAX_SHARDS && (long) needed * linesPerShard < lines) {
      needed *= 2;
    }
    return Math.max(needed, Math.min(existing, MAX_SHARDS));
  }

  /** The shard of the line named {@code line} among {@code shards}, a power of two. */
  public static int shardOf(String line, int shards) {
    // String.hashCode is fixed by the language specification, so every operator version agrees;
    // mixed, so that names differing only in their last characters spread over the low bits.
    int hash = line.hashCode();
    hash ^= hash >>> 16;
    hash *= 0x45d9f3b;
    hash ^= hash >>> 16;
    return hash & (shards - 1);
  }

  /**
   * Splits a compiled snapshot into {@code shards} shards, each versioned by its content: the
   * operator writes out only those whose version its Secret does not carry yet.
   */
  public static Split split(TrunkConfig config, TrunkCredentials credentials, int shards) {
    return split(config, credentials, shards, new LineMemo());
  }

  /**
   * As {@link #split(TrunkConfig, TrunkCredentials, int)} for a compilation given {@code memo}:
   * only the shards holding a line that changed since the memo's last split are made and versioned;
   * the others are the last split's.
   */
  public static Split split(
      TrunkConfig config, TrunkCredentials credentials, int shards, LineMemo memo) {
    boolean[] make = memo.shardsToMake(shards);
    List<TrunkConfig.Line> all = config.lines();
    // Lines the memo did not give mean a compilation made without it: their shards are made
    // afresh rather than trusted.
    boolean given = memo.gave(all);
    int[] shardOfLine = new int[all.size()];
    int[] counts = new int[shards];
    for (int i = 0; i < all.size(); i++) {
      TrunkConfig.Line line = all.get(i);
      int shard = shardOf(line.name(), shards);
      shardOfLine[i] = shard;
      counts[shard]++;
      make[shard] |= !given && !memo.compiled(line);
    }
    List<List<TrunkConfig.Line>> lines = new ArrayList<>(shards);
    List<Map<String, DigestSecret>> secrets = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      if (!make[i] && memo.lastShard(i).lines().size() != counts[i]) {
        make[i] = true;
      }
      lines.add(new ArrayList<>(make[i] ? counts[i] : 0));
      secrets.add(new HashMap<>(make[i] ? counts[i] * 4 / 3 + 1 : 0));
    }
    for (int i = 0; i < all.size(); i++) {
      if (!make[shardOfLine[i]]) {
        continue;
      }
      TrunkConfig.Line line = all.get(i);
      lines.get(shardOfLine[i]).add(line);
      DigestSecret secret = credentials.lines().get(line.username());
      if (secret != null) {
        // Only the HA1 values its phones may answer in: they travel with the line's algorithms
        // in this one shard, so a change of those brings the values it needs (decision 0010).
        secrets.get(shardOfLine[i]).put(line.username(), secret.in(line.digestAlgorithms()));
      }
    }
    // A line's fingerprint over all its values: they and its algorithms give those in the shard,
    // and the memo keeps the fingerprints of the values it compiled.
    BiFunction<TrunkConfig.Line, DigestSecret, byte[]> fingerprints =
        (line, inShard) -> memo.fingerprint(line, credentials.lines().get(line.username()));
    List<LineShard> split = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      split.add(
          make[i] ? LineShard.of(lines.get(i), secrets.get(i), fingerprints) : memo.lastShard(i));
    }
    memo.split(split);
    TrunkConfig trunk = config.withLines(List.of()).withVersion("");
    String versions = split.stream().map(LineShard::version).collect(Collectors.joining(","));
    String version = TrunkConfigJson.version(TrunkConfigJson.write(trunk) + "\n" + versions);
    return new Split(trunk.withVersion(version), credentials.withLines(Map.of()), split);
  }

  /** A shard's JSON, as its file holds it plain. */
  public static String json(LineShard shard) {
    return TrunkConfigJson.writeCompact(shard);
  }

  /** A shard's file, and the value of its Secret's one key. */
  public static byte[] file(LineShard shard, Encoding encoding) {
    byte[] json = json(shard).getBytes(StandardCharsets.UTF_8);
    if (encoding == Encoding.JSON) {
      return json;
    }
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream(json.length / 4);
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip into memory cannot fail", e);
    }
    return gzipped.toByteArray();
  }

  /**
   * A shard from its file, in either {@link Encoding}.
   *
   * @throws IllegalArgumentException when the file is neither a shard's JSON nor that JSON gzip'd
   *     whole, or inflates past {@link #MAX_INFLATED_BYTES}
   */
  public static LineShard read(byte[] file) {
    byte[] json = gzipped(file) ? inflate(file) : file;
    return TrunkConfigJson.read(new String(json, StandardCharsets.UTF_8), LineShard.class);
  }

  private static boolean gzipped(byte[] file) {
    return file.length >= 2 && (file[0] & 0xff) == GZIP_ID1 && (file[1] & 0xff) == GZIP_ID2;
  }

  private static byte[] inflate(byte[] file) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
      byte[] json = in.readNBytes(MAX_INFLATED_BYTES);
      if (in.read() != -1) {
        throw new IllegalArgumentException(
            "a gzip'd line shard inflates past " + MAX_INFLATED_BYTES + " bytes");
      }
      return json;
    } catch (IOException e) {
      throw new IllegalArgumentException("a line shard's gzip is damaged: " + e.getMessage(), e);
    }
  }

  /**
   * The whole snapshot from the trunk's part and the shards a proxy has read. A line found twice
   * (for a moment while a trunk doubles its shards, the operator writes it into its new shard
   * before taking it out of its old one) is taken once.
   */
  public static TrunkConfig join(TrunkConfig trunk, Collection<LineShard> shards) {
    if (shards.isEmpty()) {
      return trunk;
    }
    Map<String, TrunkConfig.Line> lines = new TreeMap<>();
    trunk.lines().forEach(line -> lines.putIfAbsent(line.name(), line));
    shards.forEach(shard -> shard.lines().forEach(line -> lines.putIfAbsent(line.name(), line)));
    return trunk.withLines(List.copyOf(lines.values()));
  }

  /** The whole credentials from the trunk's and those of the shards a proxy has read. */
  public static TrunkCredentials join(TrunkCredentials credentials, Collection<LineShard> shards) {
    if (shards.isEmpty()) {
      return credentials;
    }
    Map<String, DigestSecret> lines = new HashMap<>(credentials.lines());
    shards.forEach(shard -> shard.credentials().forEach(lines::putIfAbsent));
    return credentials.withLines(lines);
  }
}
