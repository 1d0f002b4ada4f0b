package io.trunkline.sip.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link InetSocketAddress} per peer for what outlives a datagram. Netty makes a new address
 * for every datagram it reads, and a server transaction keeps its request's as the way back while
 * it lingers, 32 s over UDP (Timer J; RFC 6026's Accepted state): at 3,200 calls a second the
 * copies of two peers' addresses were 7% of the proxy's live heap (bench/README.md).
 *
 * <p>Bounded: a flood from ever new sources empties it now and then instead of growing it.
 */
final class PeerAddresses {

  static final int MAX_PEERS = 4096;

  private final ConcurrentHashMap<InetSocketAddress, InetSocketAddress> known =
      new ConcurrentHashMap<>();

  /** The address this holds equal to {@code address}, which it holds from now on if none was. */
  InetSocketAddress shared(InetSocketAddress address) {
    InetSocketAddress same = known.get(address);
    if (same != null) {
      return same;
    }
    if (known.size() >= MAX_PEERS) {
      known.clear();
    }
    same = known.putIfAbsent(address, address);
    return same == null ? address : same;
  }

  int size() {
    return known.size();
  }
}
