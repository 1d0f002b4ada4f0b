package io.trunkline.sip.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stands between the proxy and a relay's control port and holds each request until the test's
 * condition holds, or at most a given time, before passing it on: a relay that answers only once
 * something else has happened. Answers go back at once.
 *
 * <p>Holding until a condition, not for a fixed time, keeps the test's order whatever the machine's
 * speed, and spends only as much of the relay client's budget as the condition takes.
 */
final class HeldRelayLink implements AutoCloseable {

  private static final long POLL_MILLIS = 5;

  private final DatagramSocket towardsProxy;
  private final DatagramSocket towardsRelay;
  private final ScheduledExecutorService holds = Executors.newSingleThreadScheduledExecutor();
  private final BooleanSupplier passOn;
  private final Duration atMost;
  private volatile InetSocketAddress proxy;
  private volatile boolean passedOnUnmet;

  HeldRelayLink(
      InetSocketAddress listen, InetSocketAddress relay, BooleanSupplier passOn, Duration atMost)
      throws SocketException {
    this.passOn = passOn;
    this.atMost = atMost;
    towardsProxy = new DatagramSocket(listen);
    towardsRelay = new DatagramSocket(new InetSocketAddress(listen.getAddress(), 0));
    towardsRelay.connect(relay);
    pump(
        towardsProxy,
        packet -> {
          proxy = (InetSocketAddress) packet.getSocketAddress();
          byte[] request = copy(packet);
          long deadline = System.nanoTime() + atMost.toNanos();
          holds.execute(() -> passOnWhen(deadline, new DatagramPacket(request, request.length)));
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

  private void passOnWhen(long deadline, DatagramPacket request) {
    if (passOn.getAsBoolean()) {
      send(towardsRelay, request);
    } else if (System.nanoTime() - deadline >= 0) {
      passedOnUnmet = true;
      send(towardsRelay, request);
    } else {
      holds.schedule(() -> passOnWhen(deadline, request), POLL_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether a request was passed on at its time limit, its condition still unmet. */
  boolean passedOnUnmet() {
    return passedOnUnmet;
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
    holds.shutdownNow();
    towardsProxy.close();
    towardsRelay.close();
  }
}
