package io.trunkline.testing.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free ports on this machine's own addresses, for tests that start servers and peers. */
public final class LoopbackPorts {

  private LoopbackPorts() {}

  /**
   * A port free for both UDP and TCP on {@code address}, since SIP listens on both (RFC 3261
   * §18.2.1). The kernel picks it; another process could take it before the caller binds, which on
   * a test machine is rare enough to accept.
   */
  public static int freePort(String address) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback(address), 0))) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(loopback(address), port));
          return port;
        } catch (IOException takenForTcp) {
          // the UDP port is free but its TCP twin is not: ask for another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP on " + address);
  }

  /**
   * Like {@link #freePort}, but below the kernel's ephemeral range (32768 and up by default), for a
   * peer that must get the same port back in a later process (a phone that registers, exits and
   * then answers on the registered port): no socket the kernel numbers can take it in between.
   */
  public static int stablePort(String address) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 10_000 + ThreadLocalRandom.current().nextInt(20_000);
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback(address), port));
          ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(loopback(address), port));
        return port;
      } catch (IOException taken) {
        // someone holds it: draw again
      }
    }
    throw new IllegalStateException("no stable port free on " + address);
  }

  /**
   * Refuses any address that is not this machine's: loopback, or an address the tests gave an
   * interface of their own (the test node's, tools/node/up.sh). Tests never send traffic off this
   * machine.
   */
  public static InetAddress loopback(String address) {
    try {
      InetAddress inet = InetAddress.getByName(address);
      if (!inet.isLoopbackAddress() && NetworkInterface.getByInetAddress(inet) == null) {
        throw new IllegalArgumentException(address + " is not an address of this machine");
      }
      return inet;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
