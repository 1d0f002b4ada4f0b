package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Some of a trunk's lines with their digest HA1 values, as one shard of its snapshot (decision
 * 0027). Which shard a line is in follows from its name alone ({@link LineShards#shardOf}).
 *
 * @param version content hash; equal versions mean equal shards
 * @param lines the lines of this shard, in name order
 * @param credentials their HA1 values by user name
 */
public record LineShard(
    String version, List<TrunkConfig.Line> lines, Map<String, DigestSecret> credentials) {

  private static final int FINGERPRINT_BYTES = 16;

  public LineShard {
    lines = List.copyOf(lines);
    credentials = Map.copyOf(credentials);
  }

  /**
   * A shard versioned by its content: the first 16 hex digits (as {@link TrunkConfigJson#version})
   * of an MD5 over its lines' {@linkplain #fingerprint fingerprints}, which hash every field of
   * each line and its credentials, not the JSON. The operator versions the shards of a trunk on
   * each reconciliation to find those that changed, and writes out only those.
   */
  public static LineShard of(List<TrunkConfig.Line> lines, Map<String, DigestSecret> credentials) {
    return of(lines, credentials, LineShard::fingerprint);
  }

  /**
   * As {@link #of(List, Map)}, with each line's fingerprint from {@code fingerprints}: a {@link
   * LineMemo} gives those of unchanged lines without hashing them again.
   */
  static LineShard of(
      List<TrunkConfig.Line> lines,
      Map<String, DigestSecret> credentials,
      BiFunction<TrunkConfig.Line, DigestSecret, byte[]> fingerprints) {
    ByteBuffer joined = ByteBuffer.allocate(lines.size() * FINGERPRINT_BYTES + Integer.BYTES);
    for (TrunkConfig.Line line : lines) {
      joined.put(fingerprints.apply(line, credentials.get(line.username())));
    }
    // A credential of no line in the shard is never written there (LineShards.split), so the
    // lines name every credential the version must cover.
    joined.putInt(credentials.size());
    byte[] hash = Digest.md5().digest(joined.array());
    return new LineShard(HexFormat.of().formatHex(hash, 0, 8), lines, credentials);
  }

  /**
   * The MD5 of every field of one line and of its HA1 values, or of their absence: a shard's
   * version hashes its lines' fingerprints, so that a line which did not change need not be hashed
   * again.
   */
  static byte[] fingerprint(TrunkConfig.Line line, DigestSecret secret) {
    Fields fields = new Fields();
    fields.add(line.name());
    fields.add(line.number());
    fields.add(line.username());
    fields.add(line.channels());
    fields.add(line.displayName());
    fields.add(line.digestAlgorithms().size());
    line.digestAlgorithms().forEach(fields::add);
    if (secret == null) {
      fields.add(null);
    } else {
      fields.add(secret.username());
      fields.add(secret.ha1Md5());
      fields.add(secret.ha1Sha256());
    }
    return fields.hash();
  }

  /**
   * Fields written out unambiguously, then hashed at once: each string after a marker for null and
   * its length (DataOutput's UTF), each number in four bytes.
   */
  private static final class Fields {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(bytes);

    void add(int value) {
      try {
        out.writeInt(value);
      } catch (IOException e) {
        throw new UncheckedIOException("a byte array takes every write", e);
      }
    }

    void add(String value) {
      try {
        out.writeBoolean(value != null);
        if (value != null) {
          out.writeUTF(value);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("a byte array takes every write", e);
      }
    }

    byte[] hash() {
      return Digest.md5().digest(bytes.toByteArray());
    }
  }
}
