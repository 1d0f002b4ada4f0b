package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A trunk's compilation, made once per reconcile from the informer caches (lines, policies and the
 * Secrets they reference) and shared by the dependents and the status.
 */
public final class TrunkSources {

  /**
   * Name of the event source over the Secrets that lines, carriers, the PBX, the store and the
   * carriers' CA bundle reference.
   */
  public static final String REFERENCED_SECRETS = "referenced-secrets";

  private static final String KEY = TrunkSources.class.getName();

  private TrunkSources() {}

  public static Compilation compilation(SipTrunk trunk, Context<SipTrunk> context) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    Optional<Compilation> done = shared.get(KEY, Compilation.class);
    if (done.isPresent()) {
      return done.get();
    }
    Compilation compilation =
        TrunkCompiler.compile(
            trunk,
            context.getSecondaryResources(SipLine.class),
            context.getSecondaryResources(RoutePolicy.class),
            secrets(trunk, context));
    shared.put(KEY, compilation);
    return compilation;
  }

  /** A Secret of the trunk's namespace, as the informer over referenced Secrets holds it. */
  @SuppressWarnings("unchecked")
  static Optional<Secret> secret(SipTrunk trunk, String name, Context<SipTrunk> context) {
    var source =
        (InformerEventSource<Secret, SipTrunk>)
            context.eventSourceRetriever().getEventSourceFor(Secret.class, REFERENCED_SECRETS);
    return source.get(new ResourceID(name, trunk.getMetadata().getNamespace()));
  }

  /**
   * The Secrets a trunk names itself, for its carriers, its PBX, its store and its carriers' CA
   * bundle; its lines name their own. Each as {@link #secretKey}.
   */
  static List<String> namedSecrets(SipTrunk trunk) {
    SipTrunkSpec spec = trunk.getSpec();
    if (spec == null) {
      return List.of();
    }
    Stream<String> carriers =
        spec.getCarriers() == null
            ? Stream.empty()
            : spec.getCarriers().stream()
                .filter(Objects::nonNull)
                .map(Carrier::getCredentialsSecret);
    Stream<String> own =
        Stream.of(
            spec.getPbx() == null ? null : spec.getPbx().getCredentialsSecret(),
            spec.getStore() == null ? null : spec.getStore().getSecretName(),
            spec.getCarrierCa() == null ? null : spec.getCarrierCa().getSecretName());
    return Stream.concat(carriers, own)
        .filter(Objects::nonNull)
        .map(name -> secretKey(trunk.getMetadata().getNamespace(), name))
        .distinct()
        .toList();
  }

  /** How the informers' indexes name a Secret: namespace and name. */
  static String secretKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static TrunkCompiler.SecretLookup secrets(SipTrunk trunk, Context<SipTrunk> context) {
    return (name, key) -> secret(trunk, name, context).flatMap(s -> SecretValues.value(s, key));
  }
}
