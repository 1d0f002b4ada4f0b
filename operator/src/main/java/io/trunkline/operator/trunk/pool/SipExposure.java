package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.DataPlanePods.env;
import static io.trunkline.operator.trunk.pool.DataPlanePods.fieldEnv;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.v1alpha1.trunk.Exposure;
import io.trunkline.api.v1alpha1.trunk.ExposureType;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How peers outside the cluster reach a trunk's proxies (spec.sip.exposure), and so which address
 * and ports the proxies write into Via and Record-Route: what a carrier or phone sends its answers
 * and in-dialog requests to (RFC 3261 §18.2.2, §16.6 step 4) must be what reaches the proxies from
 * where that peer is, not an address only the cluster knows.
 */
public final class SipExposure {

  /** The node's address, from the downward API, for the proxies that advertise their node. */
  static final String HOST_IP = "HOST_IP";

  private SipExposure() {}

  public static ExposureType type(SipTrunk trunk) {
    Exposure exposure = exposure(trunk);
    return exposure == null || exposure.getType() == null
        ? ExposureType.ClusterIP
        : exposure.getType();
  }

  /** HostNetwork: the proxies bind the SIP ports of their nodes. */
  public static boolean hostNetwork(SipTrunk trunk) {
    return type(trunk) == ExposureType.HostNetwork;
  }

  /**
   * The Service type of the trunk's SIP Service. HostNetwork keeps a ClusterIP Service for peers
   * inside the cluster.
   */
  static String serviceType(SipTrunk trunk) {
    return switch (type(trunk)) {
      case NodePort -> "NodePort";
      case LoadBalancer -> "LoadBalancer";
      case ClusterIP, HostNetwork -> "ClusterIP";
    };
  }

  /**
   * Local for a Service outside peers reach: a node sends what arrives only to its own proxies, so
   * the proxy sees the peer's own address (which PBX admission and source bans check) rather than
   * the node's after a hop through kube-proxy's SNAT.
   */
  static String externalTrafficPolicy(SipTrunk trunk) {
    ExposureType type = type(trunk);
    return type == ExposureType.NodePort || type == ExposureType.LoadBalancer ? "Local" : null;
  }

  /** The node port of {@code tls} or plain SIP on a NodePort trunk, else null. */
  static Integer nodePort(SipTrunk trunk, boolean tls) {
    if (type(trunk) != ExposureType.NodePort) {
      return null;
    }
    return tls ? exposure(trunk).getTlsNodePort() : exposure(trunk).getNodePort();
  }

  static Map<String, String> serviceAnnotations(SipTrunk trunk) {
    Exposure exposure = exposure(trunk);
    return exposure == null ? null : exposure.getServiceAnnotations();
  }

  /**
   * The proxies' advertised address and ports. {@code ingress} is the load balancer's address from
   * the SIP Service's status, once the load balancer has one.
   */
  static List<EnvVar> advertised(SipTrunk trunk, Optional<String> ingress) {
    TrunkConfig.Listener sip = TrunkCompiler.listener(trunk.getSpec());
    String configured = sip.advertisedAddress();
    ExposureType type = type(trunk);
    boolean node = type == ExposureType.NodePort || type == ExposureType.HostNetwork;
    String address;
    if (configured != null) {
      address = configured;
    } else if (node) {
      // Kubernetes expands $(VAR) from variables defined before it in the container's list.
      address = "$(" + HOST_IP + ")";
    } else if (type == ExposureType.LoadBalancer && ingress.isPresent()) {
      address = ingress.get();
    } else {
      // ClusterIP, and a load balancer still without an address (the Exposed condition says so).
      address = clusterName(trunk);
    }
    List<EnvVar> env = new ArrayList<>();
    if (configured == null && node) {
      env.add(fieldEnv(HOST_IP, "status.hostIP"));
    }
    env.add(env("TRUNKLINE_ADVERTISED_ADDRESS", address));
    env.add(env("TRUNKLINE_ADVERTISED_PORT", port(trunk, false, sip.port())));
    env.add(env("TRUNKLINE_ADVERTISED_TLS_PORT", port(trunk, true, sip.tlsPort())));
    return env;
  }

  /** The load balancer's address in the SIP Service's status: its IP, else its host name. */
  public static Optional<String> ingress(Service service) {
    if (service == null
        || service.getStatus() == null
        || service.getStatus().getLoadBalancer() == null
        || service.getStatus().getLoadBalancer().getIngress() == null) {
      return Optional.empty();
    }
    return service.getStatus().getLoadBalancer().getIngress().stream()
        .map(SipExposure::address)
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** The SIP Service's cluster DNS name. */
  static String clusterName(SipTrunk trunk) {
    return TrunkMetadata.clusterName(trunk, TrunkMetadata.sipServiceName(trunk));
  }

  private static Optional<String> address(LoadBalancerIngress ingress) {
    if (ingress.getIp() != null && !ingress.getIp().isEmpty()) {
      return Optional.of(ingress.getIp());
    }
    return Optional.ofNullable(ingress.getHostname()).filter(name -> !name.isEmpty());
  }

  /** The node port on a NodePort trunk, else the port the proxies listen on. */
  private static String port(SipTrunk trunk, boolean tls, int listening) {
    Integer nodePort = nodePort(trunk, tls);
    return Integer.toString(nodePort == null ? listening : nodePort);
  }

  private static Exposure exposure(SipTrunk trunk) {
    return trunk.getSpec().getSip() == null ? null : trunk.getSpec().getSip().getExposure();
  }
}
