package io.trunkline.testing.sipp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class KernelSocketsTest {

  private static final String ADDRESS = "127.0.0.1";
  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void seesABoundUdpSocketAndItsRelease() throws Exception {
    int port;
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ADDRESS, 0))) {
      port = socket.getLocalPort();
      assertThat(KernelSockets.udpBound(SELF, ADDRESS, port)).isTrue();
      assertThat(KernelSockets.udpBound(SELF, "127.0.0.2", port)).isFalse();
    }
    assertThat(KernelSockets.udpBound(SELF, ADDRESS, port)).isFalse();
  }

  @Test
  void seesAListeningTcpSocketButNotAUdpOneOnItsPort() throws Exception {
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(ADDRESS, 0));
      assertThat(KernelSockets.tcpListening(SELF, ADDRESS, server.getLocalPort())).isTrue();
      assertThat(KernelSockets.udpBound(SELF, ADDRESS, server.getLocalPort())).isFalse();
    }
  }
}
