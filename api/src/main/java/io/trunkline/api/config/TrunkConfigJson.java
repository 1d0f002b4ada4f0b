package io.trunkline.api.config;

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

  private TrunkConfigJson() {}

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
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

  /** Sets the version to the first 16 hex digits of the SHA-256 of the unversioned content. */
  static TrunkConfig stamp(TrunkConfig config) {
    return config.withVersion(version(write(config.withVersion(""))));
  }

  /** A version for {@code content}: the first 16 hex digits of its SHA-256. */
  static String version(String content) {
    return Digest.hex("SHA-256", content).substring(0, 16);
  }
}
