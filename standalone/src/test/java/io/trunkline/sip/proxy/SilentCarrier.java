package io.trunkline.sip.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A carrier that has died but whose address still takes packets: it records and never answers. */
final class SilentCarrier implements AutoCloseable {

  private final DatagramSocket socket;
  private final List<String> methods = new CopyOnWriteArrayList<>();
  private final Thread reader;

  SilentCarrier(String address, int port) throws SocketException {
    socket = new DatagramSocket(new InetSocketAddress(address, port));
    reader = new Thread(this::read, "silent-carrier");
    reader.setDaemon(true);
    reader.start();
  }

  /** The method of each request received, in order. */
  List<String> methods() {
    return List.copyOf(methods);
  }

  private void read() {
    try {
      while (!socket.isClosed()) {
        DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
        socket.receive(packet);
        String text =
            new String(packet.getData(), 0, packet.getLength(), StandardCharsets.ISO_8859_1);
        methods.add(text.substring(0, Math.max(0, text.indexOf(' '))));
      }
    } catch (IOException e) {
      // closed: the carrier is gone
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    reader.join(5_000);
  }
}
