package io.trunkline.api.v1alpha1.trunk;

/** Who sets the replicas of a trunk's proxy pool. */
public enum ScalingMode {
  /** The operator, from the proxies' concurrent sessions. */
  Operator,
  /** A HorizontalPodAutoscaler the operator renders on the same metric. */
  HPA
}
