package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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

  public LineShard {
    lines = List.copyOf(lines);
    credentials = Map.copyOf(credentials);
  }

  /**
   * A shard versioned by its content. The version hashes every field of every line and credential
   * (the first 16 hex digits of an MD5, as {@link TrunkConfigJson#version}), not the JSON: the
   * operator versions every shard of a trunk on each reconciliation to find the few that changed,
   * and writes out only those.
   */
  public static LineShard of(List<TrunkConfig.Line> lines, Map<String, DigestSecret> credentials) {
    Fields fields = new Fields();
    for (TrunkConfig.Line line : lines) {
      fields.add(line.name());
      fields.add(line.number());
      fields.add(line.username());
      fields.add(line.channels());
      fields.add(line.displayName());
      fields.add(line.digestAlgorithms().size());
      line.digestAlgorithms().forEach(fields::add);
      DigestSecret secret = credentials.get(line.username());
      if (secret == null) {
        fields.add(null);
      } else {
        fields.add(secret.username());
        fields.add(secret.ha1Md5());
        fields.add(secret.ha1Sha256());
      }
    }
    // A credential of no line in the shard is never written there (LineShards.split), so the
    // lines name every credential the version must cover.
    fields.add(credentials.size());
    return new LineShard(fields.version(), lines, credentials);
  }

  /**
   * Fields written out unambiguously, then hashed at once: each string after a marker for null and
   * its length (DataOutput's UTF), each number in four bytes.
   */
  private static final class Fields {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
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

    String version() {
      try {
        byte[] hash = MessageDigest.getInstance("MD5").digest(bytes.toByteArray());
        return HexFormat.of().formatHex(hash).substring(0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM provides MD5", e);
      }
    }
  }
}
