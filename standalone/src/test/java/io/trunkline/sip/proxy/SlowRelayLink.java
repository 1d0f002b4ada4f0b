package io.trunkline.sip.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands between the proxy and a relay's control port and holds each request for a while before
 * passing it on: a relay that answers slowly. Answers go back at once.
 */
final class SlowRelayLink implements AutoCloseable {

  private final DatagramSocket towardsProxy;
  private final DatagramSocket towardsRelay;
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
  private volatile InetSocketAddress proxy;

  SlowRelayLink(InetSocketAddress listen, InetSocketAddress relay, long delayMillis)
      throws SocketException {
    towardsProxy = new DatagramSocket(listen);
    towardsRelay = new DatagramSocket(new InetSocketAddress(listen.getAddress(), 0));
    towardsRelay.connect(relay);
    pump(
        towardsProxy,
        packet -> {
          proxy = (InetSocketAddress) packet.getSocketAddress();
          byte[] request = copy(packet);
          delays.schedule(
              () -> send(towardsRelay, new DatagramPacket(request, request.length)),
              delayMillis,
              TimeUnit.MILLISECONDS);
        });
    pump(
        towardsRelay,
        packet -> {
          byte[] answer = copy(packet);
          if (proxy != null) {
            send(towardsProxy, new DatagramPacket(answer, answer.length, proxy));
          }
        });
  }

  InetSocketAddress address() {
    return (InetSocketAddress) towardsProxy.getLocalSocketAddress();
  }

  private interface Receiver {
    void received(DatagramPacket packet);
  }

  private static void pump(DatagramSocket socket, Receiver receiver) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[65_535];
              while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                  socket.receive(packet);
                } catch (IOException closed) {
                  return;
                }
                receiver.received(packet);
              }
            },
            "slow-relay-link");
    thread.setDaemon(true);
    thread.start();
  }

  private static byte[] copy(DatagramPacket packet) {
    byte[] bytes = new byte[packet.getLength()];
    System.arraycopy(packet.getData(), packet.getOffset(), bytes, 0, bytes.length);
    return bytes;
  }

  private static void send(DatagramSocket socket, DatagramPacket packet) {
    try {
      socket.send(packet);
    } catch (IOException closed) {
      // The link is being closed: the request is lost, as on a real network.
    }
  }

  @Override
  public void close() {
    delays.shutdownNow();
    towardsProxy.close();
    towardsRelay.close();
  }
}
