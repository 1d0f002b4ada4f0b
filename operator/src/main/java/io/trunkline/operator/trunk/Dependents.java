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
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The secondary resources of a SipTrunk. Each only says what it desires, through {@link
 * TrunkPools}; the workflow on {@link SipTrunkReconciler} applies them with server-side apply and
 * owner references, so deleting the trunk deletes them.
 */
final class Dependents {

  private Dependents() {}

  static PoolSettings settings() {
    return PoolSettings.from(ConfigProvider.getConfig());
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class DataPlaneServiceAccount
      extends CRUDKubernetesDependentResource<ServiceAccount, SipTrunk> {
    @Override
    protected ServiceAccount desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.serviceAccount(trunk);
    }
  }

  /**
   * The snapshot. While a problem blocks compilation, the desired state is what is already there:
   * the last good snapshot stays in force.
   */
  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class SnapshotConfigMap
      extends CRUDKubernetesDependentResource<ConfigMap, SipTrunk> {
    @Override
    protected ConfigMap desired(SipTrunk trunk, Context<SipTrunk> context) {
      Compilation compilation = TrunkSources.compilation(trunk, context);
      if (compilation.blocked()) {
        ConfigMap actual =
            existing(context, ConfigMap.class, TrunkPools.configMapName(trunk)).orElseThrow();
        return TrunkPools.configMap(trunk, actual.getData().get(TrunkPools.CONFIG_FILE));
      }
      return TrunkPools.configMap(trunk, compilation.config());
    }
  }

  /** The credentials, held back with the snapshot they belong to. */
  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class CredentialsSecret extends CRUDKubernetesDependentResource<Secret, SipTrunk> {
    @Override
    protected Secret desired(SipTrunk trunk, Context<SipTrunk> context) {
      Compilation compilation = TrunkSources.compilation(trunk, context);
      Secret desired = TrunkPools.credentialsSecret(trunk, compilation.credentials());
      if (compilation.blocked()) {
        Secret actual =
            existing(context, Secret.class, TrunkPools.credentialsName(trunk)).orElseThrow();
        desired.setData(actual.getData());
      }
      return desired;
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class ProxyDeployment
      extends CRUDKubernetesDependentResource<Deployment, SipTrunk> {
    @Override
    protected Deployment desired(SipTrunk trunk, Context<SipTrunk> context) {
      Integer replicas = TrunkPools.hpaMode(trunk) ? null : TrunkScaling.replicas(context);
      return TrunkPools.proxyDeployment(trunk, settings(), replicas);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class RelayDeployment
      extends CRUDKubernetesDependentResource<Deployment, SipTrunk> {
    @Override
    protected Deployment desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.relayDeployment(trunk, settings());
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class SipService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.sipService(trunk);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class PeersService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.peersService(trunk);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class RelayService extends CRUDKubernetesDependentResource<Service, SipTrunk> {
    @Override
    protected Service desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.relayService(trunk);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class ProxyDisruptionBudget
      extends CRUDKubernetesDependentResource<PodDisruptionBudget, SipTrunk> {
    @Override
    protected PodDisruptionBudget desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.disruptionBudget(trunk, TrunkPools.PROXY);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class RelayDisruptionBudget
      extends CRUDKubernetesDependentResource<PodDisruptionBudget, SipTrunk> {
    @Override
    protected PodDisruptionBudget desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.disruptionBudget(trunk, TrunkPools.RELAY);
    }
  }

  @KubernetesDependent(informer = @Informer(labelSelector = TrunkPools.MANAGED_SELECTOR))
  public static class ProxyAutoscaler
      extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, SipTrunk> {
    @Override
    protected HorizontalPodAutoscaler desired(SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.autoscaler(trunk);
    }
  }

  /** A snapshot exists or can be made: the pools have configuration to start with. */
  public static class SnapshotAvailable implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return !TrunkSources.compilation(trunk, context).blocked()
          || existing(context, ConfigMap.class, TrunkPools.configMapName(trunk)).isPresent();
    }
  }

  /** Media mode Relay: without it the relay pool and its Service are removed. */
  public static class RelayMode implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.relayMode(trunk);
    }
  }

  /** Scaling mode HPA: without it the HorizontalPodAutoscaler is removed. */
  public static class HpaMode implements Condition<Object, SipTrunk> {
    @Override
    public boolean isMet(
        DependentResource<Object, SipTrunk> dependent, SipTrunk trunk, Context<SipTrunk> context) {
      return TrunkPools.hpaMode(trunk);
    }
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
