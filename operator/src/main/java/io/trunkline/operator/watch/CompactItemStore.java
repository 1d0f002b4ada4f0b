package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.trunkline.api.v1alpha1.line.SipLine;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer store for the kinds the operator only reads (lines, trunks, policies, Secrets), which
 * keeps each resource small: without its managedFields (the field tree of every writer, as nested
 * maps) and kubectl's last-applied annotation, with one shared empty map or list for its empty
 * ones, and with the strings thousands of resources repeat (namespace, kind, a line's trunk, its
 * condition, a Secret's type and keys) held once. Each version of a line is held once for the
 * process, though two informers cache it: the line controller's and the one the trunk and policy
 * controllers share. Nothing may write to a cached resource (JOSDK hands reconcilers a copy of the
 * primary). At 10,000 lines these were most of the heap (bench/operator-scale.sh). The stores of
 * the dependents keep their managedFields, which server-side apply compares against.
 */
public final class CompactItemStore<R extends HasMetadata> implements ItemStore<R> {

  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /**
   * The lines cached, by resourceVersion, which the API server gives each write of any object anew.
   * Weak both ways: the key is the line's own resourceVersion string, so an entry goes once no
   * informer holds that version of the line any more. Guarded by itself.
   */
  private static final Map<String, WeakReference<SipLine>> LINES = new WeakHashMap<>();

  private final ConcurrentHashMap<String, R> items = new ConcurrentHashMap<>();

  /** Told of every change after it is made, or null. */
  private final ChangeJournal journal;

  public CompactItemStore() {
    this(null);
  }

  /** A store that records each change it makes in {@code journal}. */
  public CompactItemStore(ChangeJournal journal) {
    this.journal = journal;
  }

  @Override
  public String getKey(R resource) {
    return Cache.metaNamespaceKeyFunc(resource);
  }

  @Override
  public R put(String key, R resource) {
    R previous = items.put(key, resource instanceof SipLine line ? once(line) : compact(resource));
    record(key);
    return previous;
  }

  @Override
  public R remove(String key) {
    R removed = items.remove(key);
    record(key);
    return removed;
  }

  private void record(String key) {
    if (journal != null) {
      journal.changed(key);
    }
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<R> values() {
    return items.values().stream();
  }

  @Override
  public R get(String key) {
    return items.get(key);
  }

  @Override
  public int size() {
    return items.size();
  }

  /** As JOSDK's stores: adds are told while the first list is read, not after it. */
  @Override
  public boolean isFullState() {
    return false;
  }

  /** The instance another informer holds of this version of the line, or this one, compacted. */
  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> R once(SipLine line) {
    String version = line.getMetadata().getResourceVersion();
    if (version == null) {
      return (R) compact(line);
    }
    synchronized (LINES) {
      WeakReference<SipLine> held = LINES.get(version);
      SipLine known = held == null ? null : held.get();
      if (known != null
          && Objects.equals(known.getMetadata().getUid(), line.getMetadata().getUid())) {
        return (R) known;
      }
      SipLine compacted = compact(line);
      LINES.put(compacted.getMetadata().getResourceVersion(), new WeakReference<>(compacted));
      return (R) compacted;
    }
  }

  static <R extends HasMetadata> R compact(R resource) {
    ObjectMeta metadata = resource.getMetadata();
    metadata.setManagedFields(null);
    metadata.setAnnotations(withoutLastApplied(metadata.getAnnotations()));
    metadata.setLabels(small(metadata.getLabels()));
    metadata.setAdditionalProperties(small(metadata.getAdditionalProperties()));
    metadata.setFinalizers(small(metadata.getFinalizers()));
    metadata.setOwnerReferences(small(metadata.getOwnerReferences()));
    metadata.setNamespace(shared(metadata.getNamespace()));
    metadata.setCreationTimestamp(shared(metadata.getCreationTimestamp()));
    resource.setApiVersion(shared(resource.getApiVersion()));
    if (resource instanceof SipLine line) {
      if (line.getSpec() != null) {
        line.getSpec().setTrunk(shared(line.getSpec().getTrunk()));
      }
      if (line.getStatus() != null && line.getStatus().getConditions() != null) {
        line.getStatus().getConditions().forEach(CompactItemStore::compact);
      }
    } else if (resource instanceof Secret secret) {
      secret.setType(shared(secret.getType()));
      secret.setStringData(small(secret.getStringData()));
      secret.setAdditionalProperties(small(secret.getAdditionalProperties()));
      if (secret.getData() != null) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.getData().forEach((key, value) -> data.put(shared(key), value));
        secret.setData(data);
      }
    }
    return resource;
  }

  private static void compact(Condition condition) {
    condition.setAdditionalProperties(small(condition.getAdditionalProperties()));
    condition.setType(shared(condition.getType()));
    condition.setStatus(shared(condition.getStatus()));
    condition.setReason(shared(condition.getReason()));
    condition.setMessage(shared(condition.getMessage()));
    condition.setLastTransitionTime(shared(condition.getLastTransitionTime()));
  }

  /**
   * kubectl's record of what it last applied, as big as the resource itself (a Secret's data
   * included), which only kubectl reads.
   */
  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    if (annotations != null) {
      annotations.remove(LAST_APPLIED);
    }
    return small(annotations);
  }

  /**
   * The one immutable empty map for an empty one: Fabric8's model gives every object its own empty
   * maps (labels, annotations, unknown fields), several per cached resource, which nothing here
   * writes.
   */
  private static <K, V> Map<K, V> small(Map<K, V> map) {
    return map != null && map.isEmpty() ? Map.of() : map;
  }

  private static <E> List<E> small(List<E> list) {
    return list != null && list.isEmpty() ? List.of() : list;
  }

  /**
   * One instance of an equal string for the whole process: the JVM's string table, whose entries go
   * when no cached resource holds them any more.
   */
  private static String shared(String value) {
    return value == null ? null : value.intern();
  }
}
