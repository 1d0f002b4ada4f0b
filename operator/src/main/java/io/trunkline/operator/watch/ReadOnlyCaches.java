package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.trunkline.api.v1alpha1.line.SipLine;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The process's one cache of SipLines and one of the Secrets it reads ({@link ReadableSecrets}),
 * which the trunk, line and policy controllers all read. Made by the first controller that asks,
 * over its watched namespaces; every controller watches the same ones
 * (quarkus.operator-sdk.namespaces).
 */
@Singleton
public class ReadOnlyCaches {

  /** Lines by "namespace/trunk". */
  public static final String LINES_BY_TRUNK = "by-trunk";

  /** Lines by the "namespace/name" of the Secret holding their password. */
  public static final String LINES_BY_SECRET = "by-secret";

  private SharedInformer<SipLine> lines;
  private SharedInformer<Secret> secrets;

  public synchronized SharedInformer<SipLine> lines(EventSourceContext<?> context) {
    if (lines == null) {
      lines =
          new SharedInformer<>(
              context.getClient(),
              SipLine.class,
              namespaces(context),
              UnaryOperator.identity(),
              Map.of(
                  LINES_BY_TRUNK,
                  ReadOnlyCaches::trunkKey,
                  LINES_BY_SECRET,
                  ReadOnlyCaches::secretKey));
    }
    return lines;
  }

  public synchronized SharedInformer<Secret> secrets(EventSourceContext<?> context) {
    if (secrets == null) {
      secrets =
          new SharedInformer<>(
              context.getClient(),
              Secret.class,
              namespaces(context),
              ReadableSecrets::select,
              Map.of());
    }
    return secrets;
  }

  /** A line's trunk as {@link #LINES_BY_TRUNK} files it, if it names one. */
  public static List<String> trunkKey(SipLine line) {
    return line.getSpec() == null || line.getSpec().getTrunk() == null
        ? List.of()
        : List.of(key(line.getMetadata().getNamespace(), line.getSpec().getTrunk()));
  }

  /** A line's password Secret as {@link #LINES_BY_SECRET} files it, if it names one. */
  public static List<String> secretKey(SipLine line) {
    return line.getSpec() == null || line.getSpec().getCredentialsSecret() == null
        ? List.of()
        : List.of(key(line.getMetadata().getNamespace(), line.getSpec().getCredentialsSecret()));
  }

  /** How the indexes name a resource of a namespace: "namespace/name". */
  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static Set<String> namespaces(EventSourceContext<?> context) {
    Set<String> namespaces =
        context.getControllerConfiguration().getInformerConfig().getNamespaces();
    if (!InformerConfiguration.currentNamespaceWatched(namespaces)) {
      return namespaces;
    }
    return Set.of(Objects.requireNonNull(context.getClient().getNamespace(), "current namespace"));
  }
}
