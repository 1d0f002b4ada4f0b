package io.trunkline.e2e;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.testcontainers.containers.Network;

/**
 * A bridge network of the image tests' own, with addresses known before any container starts: a
 * pod's address reaches it through the downward API (POD_IP, the relay's advertised address), and
 * here it must be in the environment a container starts with. This machine's end of the bridge is
 * the gateway, where the phones (sipp on this machine) bind and send from, as peers outside a
 * cluster would.
 */
final class ImageNetwork {

  /** This machine's address on the bridge. */
  static final String GATEWAY = "10.213.76.1";

  private static final String SUBNET = "10.213.76.0/24";

  /** The bridge's interface name; tools/podman-service.sh stop removes it if left behind. */
  private static final String BRIDGE = "tlimage0";

  /**
   * The trunk's relay control key (64 hex digits), as the operator's Secret gives it to a trunk's
   * proxies and relays (TRUNKLINE_RELAY_CONTROL_KEY).
   */
  static final String RELAY_CONTROL_KEY = "5eed".repeat(16);

  private ImageNetwork() {}

  /** The network, made when the first container joins; close it after its containers stopped. */
  static Network create() {
    return Network.builder()
        .driver("bridge")
        .createNetworkCmdModifier(
            cmd ->
                cmd.withIpam(
                        new com.github.dockerjava.api.model.Network.Ipam()
                            .withConfig(
                                new com.github.dockerjava.api.model.Network.Ipam.Config()
                                    .withSubnet(SUBNET)
                                    .withGateway(GATEWAY)))
                    .withOptions(Map.of("com.docker.network.bridge.name", BRIDGE)))
        .build();
  }

  /** Host {@code host} of the subnet, e.g. 10 for 10.213.76.10. */
  static String address(int host) {
    return SUBNET.substring(0, SUBNET.lastIndexOf('.') + 1) + host;
  }

  /** Gives a container {@code address} on the network it joins. */
  static Consumer<CreateContainerCmd> at(String address) {
    return cmd -> cmd.withIpv4Address(address);
  }

  /**
   * Publishes the container's UDP port {@code port} on {@code gatewayPort} of {@link #GATEWAY}, as
   * a node port publishes a pod's: the test harness sends only to addresses of this machine, which
   * a container's own address is not.
   */
  static Consumer<CreateContainerCmd> publishedUdp(int port, int gatewayPort) {
    return cmd -> {
      ExposedPort udp = ExposedPort.udp(port);
      List<ExposedPort> exposed = new ArrayList<>();
      if (cmd.getExposedPorts() != null) {
        exposed.addAll(List.of(cmd.getExposedPorts()));
      }
      exposed.add(udp);
      cmd.withExposedPorts(exposed);
      Ports bindings = cmd.getHostConfig().getPortBindings();
      if (bindings == null) {
        bindings = new Ports();
      }
      bindings.bind(udp, Ports.Binding.bindIpAndPort(GATEWAY, gatewayPort));
      cmd.getHostConfig().withPortBindings(bindings);
    };
  }
}
