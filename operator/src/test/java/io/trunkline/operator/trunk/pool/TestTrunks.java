package io.trunkline.operator.trunk.pool;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;

/** Trunks and settings for the builders' tests, and ways to read what they built. */
final class TestTrunks {

  static final PoolSettings SETTINGS = new PoolSettings("proxy:1", "relay:1", 600);

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private TestTrunks() {}

  /** Trunk {@code acme} in namespace {@code office}, with {@code extraSpec} added to its spec. */
  static SipTrunk trunk(String extraSpec) {
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
