package io.trunkline.api.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The snapshot's file format: JSON, as written into the trunk's ConfigMap and read by the data
 * plane. Map keys are sorted so that equal content gives equal bytes and an equal version.
 */
public final class TrunkConfigJson {

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /**
   * Without indentation and without null fields, for the files people seldom read and the operator
   * writes most: a trunk's line shards (decision 0027), in the operator's cache, the API server and
   * every proxy. Indentation is a quarter of a shard; a line without a display name, and an HA1 in
   * an algorithm its line is not challenged in, are another sixth, and the reader takes an absent
   * field as null.
   */
  private static final ObjectMapper COMPACT =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private TrunkConfigJson() {}

  public static String write(Object value) {
    return write(JSON, value);
  }

  /** As {@link #write}, without indentation. */
  public static String writeCompact(Object value) {
    return write(COMPACT, value);
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("snapshot records always serialise", e);
    }
  }

  public static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Sets the version to a hash of the unversioned content ({@link #version}). */
  static TrunkConfig stamp(TrunkConfig config) {
    return config.withVersion(version(write(config.withVersion(""))));
  }

  /**
   * A version for {@code content}: the first 16 hex digits of its MD5. A version tells contents
   * apart and guards nothing, and MD5 hashes four times faster than SHA-256 in the operator's
   * C1-only JVM, which versions a trunk's part and its shards on every change (decision 0027).
   */
  static String version(String content) {
    return Digest.md5Hex(content).substring(0, 16);
  }
}
