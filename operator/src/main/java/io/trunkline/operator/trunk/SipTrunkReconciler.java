package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.CacheKeyMapper;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkStatus;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.scaling.SessionScraper;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.status.EventRecorder;
import io.trunkline.operator.trunk.Dependents.CredentialsSecret;
import io.trunkline.operator.trunk.Dependents.DataPlaneServiceAccount;
import io.trunkline.operator.trunk.Dependents.HpaMode;
import io.trunkline.operator.trunk.Dependents.LineShardSecrets;
import io.trunkline.operator.trunk.Dependents.MembersService;
import io.trunkline.operator.trunk.Dependents.PeersService;
import io.trunkline.operator.trunk.Dependents.ProxyAutoscaler;
import io.trunkline.operator.trunk.Dependents.ProxyDeployment;
import io.trunkline.operator.trunk.Dependents.ProxyDisruptionBudget;
import io.trunkline.operator.trunk.Dependents.RelayControlSecret;
import io.trunkline.operator.trunk.Dependents.RelayDeployment;
import io.trunkline.operator.trunk.Dependents.RelayDisruptionBudget;
import io.trunkline.operator.trunk.Dependents.RelayMode;
import io.trunkline.operator.trunk.Dependents.RelayService;
import io.trunkline.operator.trunk.Dependents.SipService;
import io.trunkline.operator.trunk.Dependents.SnapshotAvailable;
import io.trunkline.operator.trunk.Dependents.SnapshotConfigMap;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import io.trunkline.operator.watch.CompactItemStore;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.SharedInformer;
import io.trunkline.operator.watch.SharedInformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Turns a SipTrunk into its pools: snapshot and credentials, the relay control key, proxy and relay
 * Deployments, Services, PodDisruptionBudgets and, in HPA mode, a HorizontalPodAutoscaler.
 * SipLines, RoutePolicies and the Secrets they name are watched too, so a change to any of them
 * recompiles the trunk's snapshot without touching its pods.
 */
@ControllerConfiguration(name = SipTrunkReconciler.NAME)
@Workflow(
    // Explicit: the scaling decision is made before the proxy Deployment is applied. Dependents of
    // one kind share one informer (useEventSourceWithName): each informer would otherwise cache
    // every object of its kind the operator made, the Services four times
    // (bench/operator-scale.sh).
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "service-account", type = DataPlaneServiceAccount.class),
      @Dependent(
          name = "snapshot",
          type = SnapshotConfigMap.class,
          reconcilePrecondition = SnapshotAvailable.class),
      @Dependent(
          name = "credentials",
          type = CredentialsSecret.class,
          reconcilePrecondition = SnapshotAvailable.class,
          useEventSourceWithName = Dependents.RELAY_CONTROL),
      @Dependent(
          name = "line-shards",
          type = LineShardSecrets.class,
          reconcilePrecondition = SnapshotAvailable.class,
          useEventSourceWithName = Dependents.RELAY_CONTROL),
      // The name is the informer's too, which the Deployments read the key from.
      @Dependent(name = Dependents.RELAY_CONTROL, type = RelayControlSecret.class),
      @Dependent(
          name = "proxy",
          type = ProxyDeployment.class,
          dependsOn = {
            "service-account",
            "snapshot",
            "credentials",
            "line-shards",
            Dependents.RELAY_CONTROL
          }),
      @Dependent(
          name = "relay",
          type = RelayDeployment.class,
          reconcilePrecondition = RelayMode.class,
          dependsOn = {"service-account", "snapshot", "credentials", Dependents.RELAY_CONTROL},
          useEventSourceWithName = "proxy"),
      @Dependent(name = "sip-service", type = SipService.class),
      @Dependent(
          name = "peers-service",
          type = PeersService.class,
          useEventSourceWithName = "sip-service"),
      @Dependent(
          name = "members-service",
          type = MembersService.class,
          useEventSourceWithName = "sip-service"),
      @Dependent(
          name = "relay-service",
          type = RelayService.class,
          reconcilePrecondition = RelayMode.class,
          useEventSourceWithName = "sip-service"),
      @Dependent(name = "proxy-budget", type = ProxyDisruptionBudget.class),
      @Dependent(
          name = "relay-budget",
          type = RelayDisruptionBudget.class,
          reconcilePrecondition = RelayMode.class,
          useEventSourceWithName = "proxy-budget"),
      @Dependent(
          name = "autoscaler",
          type = ProxyAutoscaler.class,
          reconcilePrecondition = HpaMode.class,
          dependsOn = "proxy")
    })
public class SipTrunkReconciler implements Reconciler<SipTrunk> {

  public static final String NAME = "siptrunk";
  private static final String SESSIONS = "sessions";
  private static final String TRUNKS_BY_SECRET = "trunks-by-secret";

  /** How often a trunk is looked at again without any change, to refresh its scaling. */
  static final Duration RESYNC = Duration.ofSeconds(30);

  private final Clock clock = Clock.systemUTC();
  private final TrunkScaling scaling = new TrunkScaling(clock);
  private final LineMemos lineMemos = new LineMemos();

  private final ReadOnlyCaches caches;

  public SipTrunkReconciler(ReadOnlyCaches caches) {
    this.caches = caches;
  }

  @Override
  public List<EventSource<?, SipTrunk>> prepareEventSources(EventSourceContext<SipTrunk> context) {
    SharedInformer<SipLine> lineCache = caches.lines(context);
    SharedInformer<Secret> secretCache = caches.secrets(context);
    var lines =
        new SharedInformerEventSource<SipLine, SipTrunk>(
            SipLine.class,
            TrunkSources.LINES,
            lineCache,
            SipTrunkReconciler::trunkOf,
            trunk ->
                lineCache.setByIndex(
                    ReadOnlyCaches.LINES_BY_TRUNK,
                    ReadOnlyCaches.key(
                        trunk.getMetadata().getNamespace(), trunk.getMetadata().getName())));
    var policies =
        InformerEventSourceConfiguration.from(RoutePolicy.class, SipTrunk.class)
            .withNamespacesInheritedFromController()
            .withItemStore(new CompactItemStore<>())
            .withSecondaryToPrimaryMapper(
                (RoutePolicy policy) ->
                    policy.getSpec() == null || policy.getSpec().getTrunks() == null
                        ? Set.of()
                        : policy.getSpec().getTrunks().stream()
                            .map(t -> new ResourceID(t, policy.getMetadata().getNamespace()))
                            .collect(Collectors.toSet()))
            .build();
    // A Secret reaches only the trunks that name it, themselves or through a line: mapped to every
    // trunk of its namespace, applying N lines with their Secrets reconciled each trunk N times.
    context.getPrimaryCache().addIndexer(TRUNKS_BY_SECRET, TrunkSources::namedSecrets);
    var secrets =
        new SharedInformerEventSource<Secret, SipTrunk>(
            Secret.class,
            TrunkSources.REFERENCED_SECRETS,
            secretCache,
            secret -> {
              String key =
                  ReadOnlyCaches.key(
                      secret.getMetadata().getNamespace(), secret.getMetadata().getName());
              return Stream.concat(
                      lineCache
                          .byIndex(ReadOnlyCaches.LINES_BY_SECRET, key)
                          .flatMap(line -> trunkOf(line).stream()),
                      context.getPrimaryCache().byIndex(TRUNKS_BY_SECRET, key).stream()
                          .map(ResourceID::fromResource))
                  .collect(Collectors.toSet());
            },
            // None: the trunk reads the Secrets it names by name (TrunkSources.secret). Listed
            // here, they would be walked by every dependent Secret's look-up, which JOSDK makes
            // over all the trunk's secondary Secrets: ten thousand for a trunk of that many lines.
            trunk -> Set.of());
    var sessions =
        new PerResourcePollingConfigurationBuilder<SessionCount, SipTrunk>(
                new SessionScraper(context.getClient()), sessionPollPeriod())
            .withName(SESSIONS)
            .withCacheKeyMapper(CacheKeyMapper.singleResourceCacheKeyMapper())
            .build();
    return List.of(
        lines,
        new InformerEventSource<>(policies, context),
        secrets,
        new PerResourcePollingEventSource<>(SessionCount.class, context, sessions));
  }

  @Override
  public UpdateControl<SipTrunk> reconcile(SipTrunk trunk, Context<SipTrunk> context) {
    LineMemos.Memo memo = lineMemos.of(trunk);
    Optional<LineShards.Split> split = TrunkSources.split(trunk, context, linesPerShard(), memo);
    lineMemos.settle(
        trunk, memo, linesPerShard(), id -> context.getPrimaryCache().get(id).isPresent());
    Compilation compilation = TrunkSources.compilation(trunk, context);
    Optional<SessionCount> sessions = context.getSecondaryResource(SessionCount.class);
    TrunkScaling.Decision scale =
        scaling.decide(
            trunk,
            Dependents.existing(context, Deployment.class, TrunkMetadata.proxyName(trunk)),
            sessions,
            context);
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

    Optional<Deployment> proxy =
        Dependents.existing(context, Deployment.class, TrunkMetadata.proxyName(trunk));
    Optional<Deployment> relay =
        Dependents.existing(context, Deployment.class, TrunkMetadata.relayName(trunk));
    Optional<Secret> storeSecret =
        Optional.ofNullable(trunk.getSpec().getStore())
            .flatMap(store -> TrunkSources.secret(trunk, store.getSecretName(), context));
    Optional<Secret> caSecret =
        Optional.ofNullable(trunk.getSpec().getCarrierCa())
            .flatMap(ca -> TrunkSources.secret(trunk, ca.getSecretName(), context));
    TrunkStatusAggregator aggregator =
        new TrunkStatusAggregator(
            trunk,
            compilation,
            split.map(shards -> shards.trunk().version()),
            proxy,
            relay,
            sessions,
            SharedState.condition(trunk, storeSecret, sessions),
            CarrierTrust.condition(trunk, caSecret),
            scale.replicas(),
            clock);
    aggregator.emitEvents(context.getClient());
    UpdateControl<SipTrunk> control =
        aggregator.changed()
            ? UpdateControl.patchStatus(aggregator.patched())
            : UpdateControl.<SipTrunk>noUpdate();
    Duration next =
        scale
            .reviewIn()
            .filter(d -> d.compareTo(RESYNC) < 0)
            .map(d -> d.plusMillis(100))
            .orElse(RESYNC);
    return control.rescheduleAfter(next.isNegative() ? Duration.ZERO : next);
  }

  /**
   * An object the API server refused (a node port another Service holds, say) turns the trunk's
   * Ready false in the API server's words, with an Event once; other failures leave the status as
   * it is while JOSDK retries.
   */
  @Override
  public ErrorStatusUpdateControl<SipTrunk> updateErrorStatus(
      SipTrunk trunk, Context<SipTrunk> context, Exception failure) {
    SipTrunkStatus status = trunk.getStatus() == null ? new SipTrunkStatus() : trunk.getStatus();
    Optional<Condition> refused =
        RefusedObjects.condition(failure)
            .filter(condition -> Conditions.changes(status.getConditions(), condition));
    if (refused.isEmpty()) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    long generation =
        trunk.getMetadata().getGeneration() == null ? 0 : trunk.getMetadata().getGeneration();
    status.setConditions(Conditions.set(status.getConditions(), refused.get(), generation, clock));
    new EventRecorder(context.getClient(), clock)
        .warning(trunk, RefusedObjects.REASON, refused.get().getMessage());
    SipTrunk patched = new SipTrunk();
    patched.setMetadata(trunk.getMetadata());
    patched.setSpec(trunk.getSpec());
    patched.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(patched);
  }

  /** How often each trunk's proxies are asked for their sessions. */
  private static Duration sessionPollPeriod() {
    return ConfigProvider.getConfig()
        .getOptionalValue("trunkline.autoscaler.poll-period", Duration.class)
        .orElse(Duration.ofSeconds(15));
  }

  /**
   * How many lines a shard of a trunk's snapshot holds before the trunk doubles its shards
   * (decision 0027): a line's change rewrites about this many.
   */
  private static int linesPerShard() {
    return ConfigProvider.getConfig().getValue("trunkline.snapshot.lines-per-shard", Integer.class);
  }

  /** The trunk a line names, if it names one. */
  private static Set<ResourceID> trunkOf(SipLine line) {
    return line.getSpec() == null || line.getSpec().getTrunk() == null
        ? Set.of()
        : Set.of(new ResourceID(line.getSpec().getTrunk(), line.getMetadata().getNamespace()));
  }
}
