package io.trunkline.operator.trunk.pool;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.Map;
import java.util.Optional;

/**
 * Trunks, the Secrets they name, and settings for the operator's tests, and ways to read what the
 * builders built.
 */
public final class TestTrunks {

  static final PoolSettings SETTINGS = new PoolSettings("proxy:1", "relay:1", 600);

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private TestTrunks() {}

  /** Trunk {@code acme} in namespace {@code office}, with {@code extraSpec} added to its spec. */
  public static SipTrunk trunk(String extraSpec) {
    return YAML.unmarshal(
        """
        apiVersion: trunkline.io/v1alpha1
        kind: SipTrunk
        metadata: {name: acme, namespace: office}
        spec:
          channels: 20
          carriers: [{name: a, address: 127.0.0.1}]
        %s"""
            .formatted(extraSpec.indent(2)),
        SipTrunk.class);
  }

  /** Secret {@code s}, written as users do (stringData). */
  public static Optional<Secret> secret(Map<String, String> data) {
    return Optional.of(
        new SecretBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .withStringData(data)
            .build());
  }

  /**
   * {@code NAME=value}, {@code NAME<-fieldPath} for the downward API, or {@code NAME<-secret/key}
   * for a Secret's key, with a trailing {@code ?} when the key is optional.
   */
  static String rendered(EnvVar env) {
    if (env.getValueFrom() == null) {
      return env.getName() + "=" + env.getValue();
    }
    SecretKeySelector secret = env.getValueFrom().getSecretKeyRef();
    if (secret != null) {
      return env.getName()
          + "<-"
          + secret.getName()
          + "/"
          + secret.getKey()
          + (Boolean.TRUE.equals(secret.getOptional()) ? "?" : "");
    }
    return env.getName() + "<-" + env.getValueFrom().getFieldRef().getFieldPath();
  }

  static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .findFirst()
        .orElseThrow();
  }
}
