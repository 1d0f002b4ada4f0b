package io.trunkline.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * An informer store that keeps resources without their managedFields, for the kinds the operator
 * only reads (lines, trunks, Secrets): each holds the field tree of every writer as nested maps,
 * the largest part of the heap at 10,000 lines (bench/operator-scale.sh). The stores of the
 * dependents keep theirs, which server-side apply compares against.
 */
public final class WithoutManagedFields<R extends HasMetadata> extends TransformingItemStore<R> {

  public WithoutManagedFields() {
    super(
        resource -> {
          resource.getMetadata().setManagedFields(null);
          return resource;
        });
  }
}
