package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import io.trunkline.api.v1alpha1.line.SipLine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An informer store for the kinds the operator only reads (lines, trunks, policies, Secrets), which
 * keeps each resource small: without its managedFields (the field tree of every writer, as nested
 * maps) and with the strings thousands of resources repeat (namespace, kind, a line's trunk, its
 * condition, a Secret's type and keys) held once. At 10,000 lines these were most of the heap
 * (bench/operator-scale.sh). The stores of the dependents keep their managedFields, which
 * server-side apply compares against.
 */
public final class CompactItemStore<R extends HasMetadata> extends TransformingItemStore<R> {

  public CompactItemStore() {
    super(CompactItemStore::compact);
  }

  static <R extends HasMetadata> R compact(R resource) {
    ObjectMeta metadata = resource.getMetadata();
    metadata.setManagedFields(null);
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
      if (secret.getData() != null) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.getData().forEach((key, value) -> data.put(shared(key), value));
        secret.setData(data);
      }
    }
    return resource;
  }

  private static void compact(Condition condition) {
    condition.setType(shared(condition.getType()));
    condition.setStatus(shared(condition.getStatus()));
    condition.setReason(shared(condition.getReason()));
    condition.setMessage(shared(condition.getMessage()));
    condition.setLastTransitionTime(shared(condition.getLastTransitionTime()));
  }

  /**
   * One instance of an equal string for the whole process: the JVM's string table, whose entries go
   * when no cached resource holds them any more.
   */
  private static String shared(String value) {
    return value == null ? null : value.intern();
  }
}
