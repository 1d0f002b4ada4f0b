package io.trunkline.testing.sipp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads which sockets are bound from a process's {@code /proc/<pid>/net/{udp,tcp}{,6}}, the tables
 * of the network namespace it runs in, without touching the ports themselves. Addresses there are
 * the network-order bytes printed four at a time as native integers, so on a little-endian machine
 * 127.0.0.11 reads {@code 0B00007F} and ::1 {@code 00000000000000000000000001000000}.
 */
final class KernelSockets {

  private static final String TCP_LISTEN = "0A";
  private static final String WILDCARD = "00000000";
  private static final String WILDCARD_6 = "0".repeat(32);

  /** ::ffff:0:0/96 as the table prints it: the first three words native, the last the address. */
  private static final String V4_MAPPED = "0000000000000000" + mappedWord();

  private KernelSockets() {}

  /**
   * Whether a UDP socket is bound to {@code address:port}, or to the wildcard address and port, in
   * the network namespace of process {@code pid}.
   */
  static boolean udpBound(long pid, String address, int port) throws IOException {
    return holds(pid, "udp", address, port, null);
  }

  /**
   * Whether a TCP socket listens on {@code address:port}, or on the wildcard address and port, in
   * the network namespace of process {@code pid}.
   */
  static boolean tcpListening(long pid, String address, int port) throws IOException {
    return holds(pid, "tcp", address, port, TCP_LISTEN);
  }

  /**
   * Looks in both tables of a protocol for an IPv4 address: an IPv4 socket (sipp's) is in {@code
   * /proc/net/udp}, a dual-stack one (the JDK's) in {@code /proc/net/udp6} under the IPv4-mapped
   * address. An IPv6 address is in the second table only.
   */
  private static boolean holds(long pid, String protocol, String address, int port, String state)
      throws IOException {
    InetAddress resolved = InetAddress.getByName(address);
    String hex = hex(resolved);
    Path tables = Path.of("/proc", Long.toString(pid), "net");
    if (!(resolved instanceof Inet4Address)) {
      return holds(tables.resolve(protocol + "6"), hex, WILDCARD_6, port, state);
    }
    return holds(tables.resolve(protocol), hex, WILDCARD, port, state)
        || holds(tables.resolve(protocol + "6"), V4_MAPPED + hex, WILDCARD_6, port, state);
  }

  private static boolean holds(Path table, String wanted, String wildcard, int port, String state)
      throws IOException {
    if (!Files.exists(table)) {
      return false;
    }
    String portHex = String.format(Locale.ROOT, "%04X", port);
    List<String> lines = Files.readAllLines(table);
    for (String line : lines.subList(1, lines.size())) {
      // "  sl  local_address rem_address   st ..."
      String[] fields = line.trim().split("\\s+");
      String[] local = fields[1].split(":");
      boolean addressMatches = local[0].equals(wanted) || local[0].equals(wildcard);
      if (addressMatches
          && local[1].equals(portHex)
          && (state == null || fields[3].equals(state))) {
        return true;
      }
    }
    return false;
  }

  private static String mappedWord() {
    int word =
        ByteBuffer.wrap(new byte[] {0, 0, (byte) 0xff, (byte) 0xff})
            .order(ByteOrder.nativeOrder())
            .getInt();
    return String.format(Locale.ROOT, "%08X", word);
  }

  private static String hex(InetAddress address) {
    ByteBuffer bytes = ByteBuffer.wrap(address.getAddress()).order(ByteOrder.nativeOrder());
    StringBuilder hex = new StringBuilder();
    while (bytes.hasRemaining()) {
      hex.append(String.format(Locale.ROOT, "%08X", bytes.getInt()));
    }
    return hex.toString();
  }
}
