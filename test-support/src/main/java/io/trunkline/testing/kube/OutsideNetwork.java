package io.trunkline.testing.kube;

import io.trunkline.testing.process.Commands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outside the node's cluster: the network namespace tools/node/up.sh joins to this machine by a
 * veth pair. Peers run there (sipp with {@code inNetworkNamespace}) as a PBX, a phone or a carrier
 * on another host would: their packets reach the node from a wire, so node ports keep their source
 * address, and the pods reach them by routing, not as local processes.
 *
 * @param namespace the network namespace's name
 * @param addresses its addresses, one per peer that must be told apart by source
 */
public record OutsideNetwork(String namespace, List<String> addresses) {

  /** The name tools/node/common.sh gives it. */
  static final String NAMESPACE = "tlnode-outside";

  private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/");

  /**
   * Ports handed out for peers to bind: below the kernel's ephemeral range (32768 on), so never one
   * a peer's own sockets took.
   */
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(20000);

  /** Reads the namespace's addresses as up.sh gave them. */
  static OutsideNetwork read() {
    Commands.Result shown =
        Commands.run(
            Duration.ofSeconds(10), List.of("ip", "-n", NAMESPACE, "-o", "-4", "addr", "show"));
    Matcher inet = INET.matcher(shown.output());
    List<String> addresses =
        inet.results().map(m -> m.group(1)).filter(a -> !a.startsWith("127.")).toList();
    if (shown.exitCode() != 0 || addresses.isEmpty()) {
      throw new IllegalStateException(
          "no network namespace " + NAMESPACE + " with addresses: " + shown.output());
    }
    return new OutsideNetwork(NAMESPACE, addresses);
  }

  /** A port no other peer of this test run binds in the namespace. */
  public int port() {
    return NEXT_PORT.getAndIncrement();
  }
}
