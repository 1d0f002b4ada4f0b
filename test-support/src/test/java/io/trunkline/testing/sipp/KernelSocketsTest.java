package io.trunkline.testing.sipp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelSocketsTest {

  private static final String ADDRESS = "127.0.0.1";
  private static final long SELF = ProcessHandle.current().pid();

  /** An IPv6 socket (sipp's with -i ::1) is in the udp6 table under its own address. */
  @ParameterizedTest
  @CsvSource({"127.0.0.1, 127.0.0.2", "::1, 127.0.0.1"})
  void seesABoundUdpSocketAndItsRelease(String address, String other) throws Exception {
    int port;
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
      port = socket.getLocalPort();
      assertThat(KernelSockets.udpBound(SELF, address, port)).isTrue();
      assertThat(KernelSockets.udpBound(SELF, other, port)).isFalse();
    }
    assertThat(KernelSockets.udpBound(SELF, address, port)).isFalse();
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
