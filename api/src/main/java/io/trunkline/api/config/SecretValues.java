package io.trunkline.api.config;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Reads keys of Secrets as users write them: shared by the operator and standalone mode. */
public final class SecretValues {

  private SecretValues() {}

  /** A Secret's value whether written as data (base64) or stringData (not yet merged). */
  public static Optional<String> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(
          new String(
              Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
    }
    return Optional.ofNullable(secret.getStringData()).map(d -> d.get(key));
  }
}
