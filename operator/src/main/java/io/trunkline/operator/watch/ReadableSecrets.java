package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Secrets the operator caches: those a line, a carrier, the PBX, the store or the carriers' CA
 * bundle can name. The API server itself leaves out of the watch the kinds of Secret that hold
 * something else and the Secrets the operator writes (a trunk's digest credentials, its relay
 * control key), which its dependents' informers hold already. Watching all namespaces, the operator
 * would otherwise hold every Secret of the cluster: Helm alone keeps each revision of each release
 * as a Secret of up to 1 MiB.
 */
public final class ReadableSecrets {

  /**
   * Types no trunk reads: Helm's release records, service-account and bootstrap tokens, registry
   * logins. A SIP password goes in an {@code Opaque} or {@code kubernetes.io/basic-auth} Secret, a
   * CA bundle in those or a {@code kubernetes.io/tls} one.
   */
  static final List<String> UNREAD_TYPES =
      List.of(
          "helm.sh/release.v1",
          "kubernetes.io/service-account-token",
          "bootstrap.kubernetes.io/token",
          "kubernetes.io/dockercfg",
          "kubernetes.io/dockerconfigjson");

  private ReadableSecrets() {}

  /** The watch's selection: {@code type!=...} fields and the operator's own label left out. */
  static FilterWatchListDeletable<Secret, KubernetesResourceList<Secret>, Resource<Secret>> select(
      FilterWatchListDeletable<Secret, KubernetesResourceList<Secret>, Resource<Secret>> secrets) {
    var selected = secrets.withoutLabel(TrunkMetadata.MANAGED_BY_LABEL, TrunkMetadata.MANAGED_BY);
    for (String type : UNREAD_TYPES) {
      selected = selected.withoutField("type", type);
    }
    return selected;
  }

  /**
   * Why the cache holds no copy of a Secret that exists, if the selection left it out: the end of a
   * sentence that starts with the Secret's name.
   */
  public static Optional<String> unread(Secret secret) {
    if (UNREAD_TYPES.contains(secret.getType())) {
      return Optional.of(
          "is of type "
              + secret.getType()
              + ", which the operator does not read: a password goes in an Opaque or"
              + " kubernetes.io/basic-auth Secret");
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels != null
        && TrunkMetadata.MANAGED_BY.equals(labels.get(TrunkMetadata.MANAGED_BY_LABEL))) {
      return Optional.of("is one the operator writes, not one it reads");
    }
    return Optional.empty();
  }
}
