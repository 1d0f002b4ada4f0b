package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.trunk.pool.DataPlanePods;
import io.trunkline.operator.trunk.pool.PoolSettings;
import io.trunkline.operator.trunk.pool.ProxyPool;
import io.trunkline.operator.trunk.pool.RelayControl;
import io.trunkline.operator.trunk.pool.RelayPool;
import io.trunkline.operator.trunk.pool.SipExposure;
import io.trunkline.operator.trunk.pool.SnapshotObjects;
import io.trunkline.operator.trunk.pool.TrunkMetadata;
import io.trunkline.operator.watch.DependentItemStore;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The secondary resources of a SipTrunk. Each only says what it desires, through the builders of
 * {@link io.trunkline.operator.trunk.pool}; the workflow on {@link SipTrunkReconciler} applies them
 * with server-side apply and owner references, so deleting the trunk deletes them. The first
 * dependent of each kind has the informer, over what the operator made; the others of its kind read
 * that one (the workflow's useEventSourceWithName) and carry no informer settings.
 */
final class Dependents {

  /** The relay control dependent's name in the workflow, which its informer carries too. */
  static final String RELAY_CONTROL = "relay-control";

  private Dependents() {}

  static PoolSettings settings() {
    return PoolSettings.from(ConfigProvider.getConfig());
  }

  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class DataPlaneServiceAccount
      extends CRUDKubernetesDependentResource<ServiceAccount, SipTrunk> {
    @Override
    protected ServiceAccount desired(SipTrunk trunk, Context<SipTrunk> context) {
      return DataPlanePods.serviceAccount(trunk);
    }
  }

  /**
   * The snapshot. While a problem blocks compilation, the desired state is what is already there:
   * the last good snapshot stays in force.
   */
  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class SnapshotConfigMap
      extends CRUDKubernetesDependentResource<ConfigMap, SipTrunk> {
    @Override
    protected ConfigMap desired(SipTrunk trunk, Context<SipTrunk> context) {
      Optional<LineShards.Split> split = TrunkSources.split(context);
      if (split.isEmpty()) {
        ConfigMap actual =
            existing(context, ConfigMap.class, TrunkMetadata.configMapName(trunk)).orElseThrow();
        return SnapshotObjects.configMap(
            trunk,
            actual.getData().get(SnapshotObjects.CONFIG_FILE),
            SnapshotObjects.sharded(actual));
      }
      if (olderProxiesMayRun(trunk, context)) {
        TrunkConfig whole = split.get().whole(TrunkSources.compilation(trunk, context).config());
        return SnapshotObjects.configMap(trunk, TrunkConfigJson.write(whole), false);
      }
      return SnapshotObjects.configMap(trunk, split.get().trunk());
    }
  }

  /** The credentials of the PBX and the carriers, held back with the snapshot they belong to. */
  public static class CredentialsSecret extends CRUDKubernetesDependentResource<Secret, SipTrunk> {
    @Override
    protected Secret desired(SipTrunk trunk, Context<SipTrunk> context) {
      Optional<LineShards.Split> split = TrunkSources.split(context);
      if (split.isEmpty()) {
        Secret actual =
            existing(context, Secret.class, TrunkMetadata.credentialsName(trunk)).orElseThrow();
        Secret kept =
            SnapshotObjects.credentialsSecret(
                trunk, TrunkSources.compilation(trunk, context).credentials());
        kept.setData(actual.getData());
        return kept;
      }
      if (olderProxiesMayRun(trunk, context)) {
        return SnapshotObjects.credentialsSecret(
            trunk, split.get().whole(TrunkSources.compilation(trunk, context).credentials()));
      }
      return SnapshotObjects.credentialsSecret(trunk, split.get().credentials());
    }
  }

  /**
   * Whether proxies from before decision 0027 may still run, reading the whole snapshot from
   * trunk.json and credentials.json: the snapshot was last written without shards, and the proxy
   * pool's pods do not read shards yet or have not all been replaced since they do. Until then
   * those two files keep every line too (a proxy that reads the shards takes each line once), so
   * that an upgrade takes no line away from a proxy that has not been replaced yet.
   */
  private static boolean olderProxiesMayRun(SipTrunk trunk, Context<SipTrunk> context) {
    boolean written =
        existing(context, ConfigMap.class, TrunkMetadata.configMapName(trunk))
            .map(snapshot -> !SnapshotObjects.sharded(snapshot))
            .orElse(false);
    return written
        && existing(context, Deployment.class, TrunkMetadata.proxyName(trunk))
            .map(
                proxies ->
                    !SnapshotObjects.readsShards(proxies) || !DataPlanePods.rolledOut(proxies))
            .orElse(false);
  }

  /**
   * The trunk's lines in shards (decision 0027), held back with the snapshot they belong to. A
   * shard whose version its Secret carries already keeps the data the Secret holds, so it is
   * neither written out nor sent again. The shards are applied from the last to the first: when a
   * trunk doubles its shards, a line moves only to a new shard, which is then written before the
   * line leaves its old one.
   */
  public static class LineShardSecrets extends KubernetesDependentResource<Secret, SipTrunk>
      implements CRUDBulkDependentResource<Secret, SipTrunk>, GarbageCollected<SipTrunk> {

    @Override
    public Map<String, Secret> desiredResources(SipTrunk trunk, Context<SipTrunk> context) {
      Map<String, Secret> actual = existing(trunk, context);
      Optional<LineShards.Split> split = TrunkSources.split(context);
      if (split.isEmpty()) {
        return actual;
      }
      List<LineShard> shards = split.get().shards();
      Encoding encoding =
          SnapshotObjects.shardEncoding(
              Dependents.existing(context, Deployment.class, TrunkMetadata.proxyName(trunk)),
              actual.values());
      Map<String, Secret> desired = new LinkedHashMap<>();
      for (int shard = shards.size() - 1; shard >= 0; shard--) {
        LineShard lines = shards.get(shard);
        String version = SnapshotObjects.fileVersion(lines.version(), encoding);
        Secret held = actual.get(Integer.toString(shard));
        desired.put(
            Integer.toString(shard),
            held != null && SnapshotObjects.lineShardVersion(held).orElse("").equals(version)
                ? SnapshotObjects.lineShardSecret(trunk, shard, version, held.getData())
                : SnapshotObjects.lineShardSecret(trunk, shard, lines, encoding));
      }
      return desired;
    }

    @Override
    public Map<String, Secret> getSecondaryResources(SipTrunk trunk, Context<SipTrunk> context) {
      return existing(trunk, context);
    }

    /** The trunk's shards that exist, by shard number. */
    static Map<String, Secret> existing(SipTrunk trunk, Context<SipTrunk> context) {
      Set<String> names = new HashSet<>();
      for (int shard = 0; shard < LineShards.MAX_SHARDS; shard++) {
        names.add(TrunkMetadata.lineShardName(trunk, shard));
      }
      String prefix = TrunkMetadata.lineShardPrefix(trunk);
      return context
          .getSecondaryResourcesAsStream(Secret.class)
          .filter(secret -> names.contains(secret.getMetadata().getName()))
          .filter(TrunkMetadata::managed)
          .collect(
              Collectors.toMap(
                  secret -> secret.getMetadata().getName().substring(prefix.length()),
                  secret -> secret,
                  (one, same) -> one));
    }
  }

  /**
   * The key the pools sign relay control with (decision 0009): made once, then kept. Every trunk
   * has one, relays or not, so that the proxies can depend on it, and a trunk that moves to media
   * mode Relay starts with the key it will keep.
   */
  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class RelayControlSecret extends CRUDKubernetesDependentResource<Secret, SipTrunk> {
    @Override
    protected Secret desired(SipTrunk trunk, Context<SipTrunk> context) {
      return RelayControl.secret(trunk, eventSource().orElseThrow().get(relayControlId(trunk)));
    }

    /** By name: the default finds the Secret through desired(), which may make a key. */
    @Override
    protected ResourceID targetSecondaryResourceID(SipTrunk trunk, Context<SipTrunk> context) {
      return relayControlId(trunk);
    }
  }

  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class ProxyDeployment
      extends CRUDKubernetesDependentResource<Deployment, SipTrunk> {
    @Override
    protected Deployment desired(SipTrunk trunk, Context<SipTrunk> context) {
      Integer replicas = ProxyPool.hpaMode(trunk) ? null : TrunkScaling.replicas(context);
      Optional<Service> sip = existing(context, Service.class, TrunkMetadata.sipServiceName(trunk));
      Deployment proxies =
          ProxyPool.deployment(trunk, settings(), replicas, sip.flatMap(SipExposure::ingress));
      return RelayPool.needed(trunk)
          ? RelayControl.rollsWith(proxies, relayControlKey(trunk, context))
          : proxies;
    }
  }

  public static class RelayDeployment
      extends CRUDKubernetesDependentResource<Deployment, SipTrunk> {
    @Override
    protected Deployment desired(SipTrunk trunk, Context<SipTrunk> context) {
      return RelayControl.rollsWith(
          RelayPool.deployment(trunk, settings()), relayControlKey(trunk, context));
    }
  }

  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class SipService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.sipService(trunk);
    }
  }

  public static class PeersService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.peersService(trunk);
    }
  }

  public static class MembersService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.membersService(trunk);
    }
  }

  public static class RelayService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return RelayPool.service(trunk);
    }
  }

  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class ProxyDisruptionBudget
      extends CRUDKubernetesDependentResource<PodDisruptionBudget, SipTrunk> {
    @Override
    protected PodDisruptionBudget desired(SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.disruptionBudget(trunk);
    }
  }

  public static class RelayDisruptionBudget
      extends CRUDKubernetesDependentResource<PodDisruptionBudget, SipTrunk> {
    @Override
    protected PodDisruptionBudget desired(SipTrunk trunk, Context<SipTrunk> context) {
      return RelayPool.disruptionBudget(trunk);
    }
  }

  @KubernetesDependent(
      informer =
          @Informer(
              labelSelector = TrunkMetadata.MANAGED_SELECTOR,
              itemStore = DependentItemStore.class))
  public static class ProxyAutoscaler
      extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, SipTrunk> {
    @Override
    protected HorizontalPodAutoscaler desired(SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.autoscaler(trunk);
    }
  }

  /** A snapshot exists or can be made: the pools have configuration to start with. */
  public static class SnapshotAvailable implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkSources.split(context).isPresent()
          || existing(context, ConfigMap.class, TrunkMetadata.configMapName(trunk)).isPresent();
    }
  }

  /** Media mode Relay: without it the relay pool and its Service are removed. */
  public static class RelayMode implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return RelayPool.needed(trunk);
    }
  }

  /** Scaling mode HPA: without it the HorizontalPodAutoscaler is removed. */
  public static class HpaMode implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return ProxyPool.hpaMode(trunk);
    }
  }

  /**
   * The trunk's relay control key, which the pools' Deployments depend on: read from the informer
   * of the dependent that keeps it, which knows a Secret it has just made before the API server's
   * event comes back (the other Secret informers may not, or may still hold a deleted one).
   */
  @SuppressWarnings("unchecked")
  private static String relayControlKey(SipTrunk trunk, Context<SipTrunk> context) {
    InformerEventSource<Secret, SipTrunk> keys =
        (InformerEventSource<Secret, SipTrunk>)
            context.eventSourceRetriever().getEventSourceFor(Secret.class, RELAY_CONTROL);
    return keys.get(relayControlId(trunk))
        .flatMap(RelayControl::key)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Secret " + TrunkMetadata.relayControlName(trunk) + " holds no key yet"));
  }

  private static ResourceID relayControlId(SipTrunk trunk) {
    return new ResourceID(
        TrunkMetadata.relayControlName(trunk), trunk.getMetadata().getNamespace());
  }

  /**
   * A resource the trunk already has, read from the caches. Not {@code getSecondaryResource}: that
   * finds its target through {@code desired()}, which is where this is called from.
   */
  static <T extends HasMetadata> Optional<T> existing(
      Context<SipTrunk> context, Class<T> type, String name) {
    return context.getSecondaryResources(type).stream()
        .filter(r -> name.equals(r.getMetadata().getName()))
        .findFirst();
  }
}
