package io.trunkline.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Whether an update matters to a controller that reads only another resource's spec. The API server
 * bumps a resource's generation when its spec changes, never for its status: so the status a
 * controller writes (a line's Ready condition, a trunk's counts) reconciles none of the resources
 * that read it. Without this, each status write of a trunk reconciled every line of the trunk.
 */
public final class SpecChange {

  private SpecChange() {}

  /** True for a new generation, or for a kind without one (Secrets), whose every update counts. */
  public static boolean between(HasMetadata before, HasMetadata after) {
    Long generation = after.getMetadata().getGeneration();
    return generation == null || !generation.equals(before.getMetadata().getGeneration());
  }
}
