package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One informer per watched namespace (or one over all of them) for a kind the operator only reads,
 * over the resources a selection leaves in, its entries kept small ({@link CompactItemStore}) and
 * indexed by the given functions. It runs while at least one event source is attached, so the
 * controllers that read it start and stop it between them.
 */
public final class SharedInformer<R extends HasMetadata> {

  /** How long a start waits for the first list, as JOSDK waits for its own informers. */
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(2);

  /** The key of the one informer over all namespaces. */
  private static final String ALL = "";

  /**
   * How many changes the journal holds: more than the cache sees between two reconciliations of a
   * trunk once its lines are applied, which come at most 30 s apart. A reader that asks from
   * further back reads everything again.
   */
  private static final int JOURNAL_CAPACITY = 4096;

  private final KubernetesClient client;
  private final Class<R> type;
  private final Set<String> namespaces;
  private final UnaryOperator<FilterWatchListDeletable<R, KubernetesResourceList<R>, Resource<R>>>
      selection;
  private final Map<String, Function<R, List<String>>> indexers;
  private volatile Map<String, SharedIndexInformer<R>> informers = Map.of();
  private final ChangeJournal journal = new ChangeJournal(JOURNAL_CAPACITY);
  private int attached;

  SharedInformer(
      KubernetesClient client,
      Class<R> type,
      Set<String> namespaces,
      UnaryOperator<FilterWatchListDeletable<R, KubernetesResourceList<R>, Resource<R>>> selection,
      Map<String, Function<R, List<String>>> indexers) {
    this.client = client;
    this.type = type;
    this.namespaces = Set.copyOf(namespaces);
    this.selection = selection;
    this.indexers = Map.copyOf(indexers);
  }

  /** Starts the informers for the first source attached, and waits until they have listed. */
  synchronized void attach(ResourceEventHandler<R> handler) {
    if (attached == 0) {
      // Made afresh each time: a stopped Fabric8 informer cannot be started again. What changed
      // while none ran, a deletion above all, reaches no store as a change.
      journal.lost();
      informers = informers();
    }
    attached++;
    informers.values().forEach(informer -> informer.addEventHandler(handler));
    if (attached > 1) {
      return;
    }
    try {
      for (SharedIndexInformer<R> informer : informers.values()) {
        informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      // Left as if never attached, so that a later start lists afresh.
      detach(handler);
      throw new OperatorException("could not list " + type.getSimpleName() + "s", e);
    } catch (InterruptedException e) {
      detach(handler);
      Thread.currentThread().interrupt();
      throw new OperatorException("interrupted while listing " + type.getSimpleName() + "s", e);
    }
  }

  /** Stops the informers when the last source is detached. */
  synchronized void detach(ResourceEventHandler<R> handler) {
    informers.values().forEach(informer -> informer.removeEventHandler(handler));
    if (--attached == 0) {
      informers.values().forEach(SharedIndexInformer::stop);
    }
  }

  private Map<String, SharedIndexInformer<R>> informers() {
    Map<String, SharedIndexInformer<R>> made =
        InformerConfiguration.allNamespacesWatched(namespaces)
            ? Map.of(
                ALL, selection.apply(client.resources(type).inAnyNamespace()).runnableInformer(0))
            : namespaces.stream()
                .collect(
                    Collectors.toUnmodifiableMap(
                        Function.identity(),
                        namespace ->
                            selection
                                .apply(client.resources(type).inNamespace(namespace))
                                .runnableInformer(0)));
    made.values()
        .forEach(
            informer -> informer.itemStore(new CompactItemStore<>(journal)).addIndexers(indexers));
    return made;
  }

  public Optional<R> get(ResourceID id) {
    String namespace = id.getNamespace().orElse("");
    return Optional.ofNullable(get(namespace, ReadOnlyCaches.key(namespace, id.getName())));
  }

  /**
   * The resource a store files under {@code key} ({@link ReadOnlyCaches#key}) in {@code namespace},
   * or null: for a caller that reads the same resources again and again and keeps their keys, whose
   * hash a string computes once.
   */
  public R get(String namespace, String key) {
    Map<String, SharedIndexInformer<R>> current = informers;
    SharedIndexInformer<R> informer = current.getOrDefault(ALL, current.get(namespace));
    return informer == null ? null : informer.getStore().getByKey(key);
  }

  /** The changes the stores made, by the keys {@link #get(String, String)} takes. */
  public ChangeJournal journal() {
    return journal;
  }

  /** The resources an index files under a key, across the namespaces. */
  public Stream<R> byIndex(String index, String key) {
    return informers.values().stream()
        .flatMap(informer -> informer.getIndexer().byIndex(index, key).stream());
  }

  /**
   * As {@link #byIndex}, as a set by identity: the cache holds each resource once, and a resource's
   * own hash walks all of it, which for the ten thousand lines of a large trunk cost more than
   * compiling them.
   */
  public Set<R> setByIndex(String index, String key) {
    Set<R> resources = Collections.newSetFromMap(new IdentityHashMap<>());
    byIndex(index, key).forEach(resources::add);
    return resources;
  }
}
