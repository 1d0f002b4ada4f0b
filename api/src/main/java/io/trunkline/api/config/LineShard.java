package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
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

  /** Same lines and credentials, whatever the versions say. */
  boolean holdsSameAs(LineShard other) {
    return lines.equals(other.lines) && credentials.equals(other.credentials);
  }
}
