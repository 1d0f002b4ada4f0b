package io.trunkline.api.v1alpha1.trunk;

/** How peers outside the cluster reach a trunk's proxies. */
public enum ExposureType {
  /** Inside the cluster only: the trunk's Service has a cluster address and DNS name. */
  ClusterIP,
  /** On a port of every node that runs a proxy (the Service's nodePort, traffic kept local). */
  NodePort,
  /** On a load balancer's address (a LoadBalancer Service, traffic kept local). */
  LoadBalancer,
  /** On the SIP port of the nodes themselves: one proxy per node, on its host network. */
  HostNetwork
}
