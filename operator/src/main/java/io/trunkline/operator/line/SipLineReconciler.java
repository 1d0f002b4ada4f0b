package io.trunkline.operator.line;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.status.ReadyStatus;
import io.trunkline.operator.watch.CompactItemStore;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.ReadableSecrets;
import io.trunkline.operator.watch.SharedInformer;
import io.trunkline.operator.watch.SharedInformerEventSource;
import io.trunkline.operator.watch.SpecChange;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Tells whether a SipLine made it into its trunk's configuration: Ready, or why not (its trunk is
 * missing, its password Secret is missing, its number or user name is taken). The trunk's own
 * reconciler does the compiling that counts; this one only reports on the line.
 */
@ControllerConfiguration(
    name = SipLineReconciler.NAME,
    informer = @Informer(itemStore = CompactItemStore.class))
public class SipLineReconciler implements Reconciler<SipLine> {

  public static final String NAME = "sipline";
  private static final String SECRETS = "line-secrets";
  private static final String BY_TRUNK = "by-trunk";
  private static final String BY_SECRET = "by-secret";
  private static final String BY_CLAIM = "by-claim";
  private static final Duration CACHE_LAG = Duration.ofSeconds(1);

  private final Clock clock = Clock.systemUTC();
  private final ReadOnlyCaches caches;

  public SipLineReconciler(ReadOnlyCaches caches) {
    this.caches = caches;
  }

  @Override
  public List<EventSource<?, SipLine>> prepareEventSources(EventSourceContext<SipLine> context) {
    // Indexes, so that a trunk's or a Secret's event and a line's own check find the few lines
    // they concern without scanning every line of the namespace.
    context
        .getPrimaryCache()
        .addIndexers(
            Map.of(
                BY_TRUNK,
                ReadOnlyCaches::trunkKey,
                BY_SECRET,
                ReadOnlyCaches::secretKey,
                BY_CLAIM,
                SipLineReconciler::claims));
    var trunks =
        InformerEventSourceConfiguration.from(SipTrunk.class, SipLine.class)
            .withNamespacesInheritedFromController()
            .withItemStore(new CompactItemStore<>())
            .withOnUpdateFilter(
                (SipTrunk after, SipTrunk before) -> SpecChange.between(before, after))
            // A line names its trunk: look it up by name, not through an index built from the
            // lines that happened to exist when the trunk last changed.
            .withPrimaryToSecondaryMapper(
                (SipLine line) ->
                    Set.of(new ResourceID(trunkOf(line), line.getMetadata().getNamespace())))
            .withSecondaryToPrimaryMapper(
                (SipTrunk trunk) ->
                    lines(
                        context,
                        BY_TRUNK,
                        ReadOnlyCaches.key(
                            trunk.getMetadata().getNamespace(), trunk.getMetadata().getName())))
            .build();
    SharedInformer<Secret> secretCache = caches.secrets(context);
    var secrets =
        new SharedInformerEventSource<Secret, SipLine>(
            Secret.class,
            SECRETS,
            secretCache,
            secret ->
                lines(
                    context,
                    BY_SECRET,
                    ReadOnlyCaches.key(
                        secret.getMetadata().getNamespace(), secret.getMetadata().getName())),
            line ->
                line.getSpec() == null || line.getSpec().getCredentialsSecret() == null
                    ? Set.of()
                    : secretCache
                        .get(
                            new ResourceID(
                                line.getSpec().getCredentialsSecret(),
                                line.getMetadata().getNamespace()))
                        .map(Set::of)
                        .orElse(Set.of()));
    return List.of(new InformerEventSource<>(trunks, context), secrets);
  }

  @Override
  @SuppressWarnings("unchecked")
  public UpdateControl<SipLine> reconcile(SipLine line, Context<SipLine> context) {
    String namespace = line.getMetadata().getNamespace();
    Optional<SipTrunk> trunk = context.getSecondaryResource(SipTrunk.class);
    Condition ready;
    if (trunk.isEmpty()) {
      ready =
          Conditions.of(
              Conditions.READY,
              false,
              Problem.TRUNK_NOT_FOUND,
              "SipTrunk " + trunkOf(line) + " does not exist in namespace " + namespace);
    } else {
      // Of two lines claiming one number or user name, the one first by name keeps it (the
      // compiler's rule): the line and those sharing a claim with it decide, not the whole trunk.
      Map<String, SipLine> rivals = new HashMap<>();
      for (String claim : claims(line)) {
        context
            .getPrimaryCache()
            .byIndex(BY_CLAIM, claim)
            .forEach(rival -> rivals.put(rival.getMetadata().getName(), rival));
      }
      rivals.put(line.getMetadata().getName(), line);
      var secrets =
          (SharedInformerEventSource<Secret, SipLine>)
              context.eventSourceRetriever().getEventSourceFor(Secret.class, SECRETS);
      Optional<Problem> problem =
          TrunkCompiler.compile(
                  trunk.get(),
                  rivals.values(),
                  List.of(),
                  (name, key) ->
                      secrets
                          .informer()
                          .get(new ResourceID(name, namespace))
                          .flatMap(s -> SecretValues.value(s, key)))
              .problems()
              .stream()
              .filter(
                  p -> "SipLine".equals(p.kind()) && p.name().equals(line.getMetadata().getName()))
              .findFirst();
      String secret = line.getSpec().getCredentialsSecret();
      if (problem.map(p -> Problem.CREDENTIALS_NOT_FOUND.equals(p.reason())).orElse(false)
          && secrets.informer().get(new ResourceID(secret, namespace)).isEmpty()) {
        Optional<Secret> existing =
            Optional.ofNullable(
                context.getClient().secrets().inNamespace(namespace).withName(secret).get());
        if (existing.isPresent()) {
          Optional<String> unread = ReadableSecrets.unread(existing.get());
          if (unread.isEmpty()) {
            // Applied together with its Secret, the line can beat the Secret into the cache: look
            // again shortly rather than report a missing Secret that exists.
            return UpdateControl.<SipLine>noUpdate().rescheduleAfter(CACHE_LAG);
          }
          problem =
              Optional.of(
                  new Problem(
                      "SipLine",
                      line.getMetadata().getName(),
                      Problem.CREDENTIALS_NOT_FOUND,
                      "Secret " + secret + " " + unread.get()));
        }
      }
      ready =
          problem
              .map(p -> Conditions.of(Conditions.READY, false, p.reason(), p.message()))
              .orElseGet(
                  () ->
                      Conditions.of(
                          Conditions.READY,
                          true,
                          "Accepted",
                          "in the configuration of SipTrunk " + trunkOf(line)));
    }
    return ReadyStatus.update(line, ready, context.getClient(), clock);
  }

  /** The number and the user name a line claims in its trunk, as index keys. */
  private static List<String> claims(SipLine line) {
    if (line.getSpec() == null) {
      return List.of();
    }
    String trunk = ReadOnlyCaches.key(line.getMetadata().getNamespace(), trunkOf(line));
    return List.of(
        trunk + "/number/" + line.getSpec().getNumber(),
        trunk + "/username/" + line.getSpec().getUsername());
  }

  private static Set<ResourceID> lines(
      EventSourceContext<SipLine> context, String index, String key) {
    return context.getPrimaryCache().byIndex(index, key).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static String trunkOf(SipLine line) {
    return line.getSpec() == null ? "" : Objects.requireNonNullElse(line.getSpec().getTrunk(), "");
  }
}
