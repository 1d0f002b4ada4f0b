package io.trunkline.operator.route;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.trunkline.api.config.Problem;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.status.ReadyStatus;
import io.trunkline.operator.watch.CompactItemStore;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.SharedInformer;
import io.trunkline.operator.watch.SharedInformerEventSource;
import io.trunkline.operator.watch.SpecChange;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Tells whether a RoutePolicy can be used by every trunk it names: Ready, TrunkNotFound, or
 * InvalidRoute with each fault (unknown carrier or line, bad prefix, pattern or time zone).
 */
@ControllerConfiguration(name = RoutePolicyReconciler.NAME)
public class RoutePolicyReconciler implements Reconciler<RoutePolicy> {

  public static final String NAME = "routepolicy";
  private static final String LINES = "policy-lines";

  private final Clock clock = Clock.systemUTC();
  private final ReadOnlyCaches caches;

  public RoutePolicyReconciler(ReadOnlyCaches caches) {
    this.caches = caches;
  }

  @Override
  public List<EventSource<?, RoutePolicy>> prepareEventSources(
      EventSourceContext<RoutePolicy> context) {
    var trunks =
        InformerEventSourceConfiguration.from(SipTrunk.class, RoutePolicy.class)
            .withNamespacesInheritedFromController()
            .withItemStore(new CompactItemStore<>())
            .withOnUpdateFilter(
                (SipTrunk after, SipTrunk before) -> SpecChange.between(before, after))
            .withPrimaryToSecondaryMapper(
                (RoutePolicy policy) ->
                    policy.getSpec().getTrunks().stream()
                        .map(t -> new ResourceID(t, policy.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
            .withSecondaryToPrimaryMapper(
                (SipTrunk trunk) ->
                    naming(
                        context, trunk.getMetadata().getNamespace(), trunk.getMetadata().getName()))
            .build();
    SharedInformer<SipLine> lineCache = caches.lines(context);
    var lines =
        new SharedInformerEventSource<SipLine, RoutePolicy>(
            SipLine.class,
            LINES,
            lineCache,
            line ->
                line.getSpec() == null
                    ? Set.of()
                    : naming(context, line.getMetadata().getNamespace(), line.getSpec().getTrunk()),
            policy ->
                policy.getSpec().getTrunks().stream()
                    .distinct()
                    .flatMap(
                        trunk ->
                            lineCache.byIndex(
                                ReadOnlyCaches.LINES_BY_TRUNK,
                                ReadOnlyCaches.key(policy.getMetadata().getNamespace(), trunk)))
                    .collect(Collectors.toSet()));
    return List.of(new InformerEventSource<>(trunks, context), lines);
  }

  @Override
  public UpdateControl<RoutePolicy> reconcile(RoutePolicy policy, Context<RoutePolicy> context) {
    Map<String, SipTrunk> trunks =
        context.getSecondaryResources(SipTrunk.class).stream()
            .collect(Collectors.toMap(t -> t.getMetadata().getName(), Function.identity()));
    Set<SipLine> lines = context.getSecondaryResources(SipLine.class);
    List<String> missing = new ArrayList<>();
    List<String> faults = new ArrayList<>();
    for (String name : policy.getSpec().getTrunks().stream().distinct().toList()) {
      SipTrunk trunk = trunks.get(name);
      if (trunk == null) {
        missing.add(name);
        continue;
      }
      // Credentials do not matter to routing; a stand-in password keeps every line visible.
      TrunkCompiler.compile(trunk, lines, List.of(policy), (secret, key) -> Optional.of("-"))
          .problems()
          .stream()
          .filter(p -> "RoutePolicy".equals(p.kind()))
          .map(p -> "trunk " + name + ": " + p.message())
          .forEach(faults::add);
    }
    Condition ready;
    if (!missing.isEmpty()) {
      ready =
          Conditions.of(
              Conditions.READY,
              false,
              Problem.TRUNK_NOT_FOUND,
              "no SipTrunk "
                  + String.join(", ", missing)
                  + " in namespace "
                  + policy.getMetadata().getNamespace());
    } else if (!faults.isEmpty()) {
      ready =
          Conditions.of(Conditions.READY, false, Problem.INVALID_ROUTE, String.join("; ", faults));
    } else {
      ready =
          Conditions.of(
              Conditions.READY,
              true,
              "Accepted",
              policy.getSpec().getRules().size()
                  + " rules for "
                  + String.join(", ", policy.getSpec().getTrunks()));
    }
    return ReadyStatus.update(policy, ready, context.getClient(), clock);
  }

  private static Set<ResourceID> naming(
      EventSourceContext<RoutePolicy> context, String namespace, String trunk) {
    return context
        .getPrimaryCache()
        .list(
            namespace,
            p ->
                p.getSpec() != null
                    && p.getSpec().getTrunks() != null
                    && p.getSpec().getTrunks().contains(trunk))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
