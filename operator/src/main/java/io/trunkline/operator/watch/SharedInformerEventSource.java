package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A controller's view of a {@link SharedInformer}: a change to a resource reconciles the primaries
 * it maps to, and the reconciler reads the primary's secondaries from the shared cache. Unlike
 * JOSDK's informer event source it keeps no copy and no index of its own.
 */
public final class SharedInformerEventSource<R extends HasMetadata, P extends HasMetadata>
    extends AbstractEventSource<R, P> implements ResourceEventHandler<R> {

  private final SharedInformer<R> informer;
  private final Function<R, Set<ResourceID>> primaries;
  private final Function<P, Set<R>> secondaries;

  /**
   * @param primaries the primaries a resource concerns, as its event should reconcile them
   * @param secondaries the resources a primary reads, from the shared cache
   */
  public SharedInformerEventSource(
      Class<R> type,
      String name,
      SharedInformer<R> informer,
      Function<R, Set<ResourceID>> primaries,
      Function<P, Set<R>> secondaries) {
    super(type, name);
    this.informer = informer;
    this.primaries = primaries;
    this.secondaries = secondaries;
  }

  public SharedInformer<R> informer() {
    return informer;
  }

  @Override
  public void start() {
    informer.attach(this);
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    informer.detach(this);
  }

  @Override
  public Set<R> getSecondaryResources(P primary) {
    return secondaries.apply(primary);
  }

  @Override
  public void onAdd(R resource) {
    reconcile(primaries.apply(resource));
  }

  @Override
  public void onUpdate(R before, R after) {
    if (!SpecChange.between(before, after)) {
      return;
    }
    // Both: a line moved from one trunk to another changes the two trunks.
    Set<ResourceID> concerned = new HashSet<>(primaries.apply(before));
    concerned.addAll(primaries.apply(after));
    reconcile(concerned);
  }

  @Override
  public void onDelete(R resource, boolean finalStateUnknown) {
    reconcile(primaries.apply(resource));
  }

  private void reconcile(Set<ResourceID> concerned) {
    if (isRunning()) {
      concerned.forEach(id -> getEventHandler().handleEvent(new Event(id)));
    }
  }
}
