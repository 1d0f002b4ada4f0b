package io.trunkline.relay.port;

import java.util.BitSet;
import java.util.Optional;

/**
 * Hands out the port pairs of a configured range, each to one leg at a time. Allocation is
 * next-fit: the search resumes after the last pair handed out, so a pair just released is the last
 * to be reused and late packets of an ended call do not land in a new one.
 *
 * <p>Every method holds the allocator's lock: allocation is rare next to packets, and one lock
 * makes the in-use count exact, which the {@code trunkline_relay_ports_in_use} gauge and the leak
 * tests rely on.
 */
public final class PortAllocator {

  private final int firstPort;
  private final int capacity;
  private final BitSet inUse;
  private int cursor;
  private int pairsInUse;

  /**
   * @param portMin lowest port the relay may use; rounded up to even since RTP takes the even port
   * @param portMax highest port the relay may use; an RTP port needs its RTCP port below or at it
   */
  public PortAllocator(int portMin, int portMax) {
    if (portMin < 1 || portMax > 65535 || portMin > portMax) {
      throw new IllegalArgumentException("port range " + portMin + "-" + portMax + " is invalid");
    }
    this.firstPort = (portMin + 1) & ~1;
    this.capacity = Math.max(0, (portMax - firstPort + 1) / 2);
    if (capacity == 0) {
      throw new IllegalArgumentException(
          "port range " + portMin + "-" + portMax + " holds no even/odd pair");
    }
    this.inUse = new BitSet(capacity);
  }

  /** A free pair, or empty when every pair of the range is in use. */
  public synchronized Optional<PortPair> allocate() {
    int index = inUse.nextClearBit(cursor);
    if (index >= capacity) {
      index = inUse.nextClearBit(0);
      if (index >= capacity) {
        return Optional.empty();
      }
    }
    inUse.set(index);
    pairsInUse++;
    cursor = index + 1 == capacity ? 0 : index + 1;
    return Optional.of(new PortPair(firstPort + 2 * index));
  }

  /**
   * Returns a pair to the range.
   *
   * @return false when the pair was not in use (outside the range or already released), which
   *     callers treat as a bug: a pair must be released exactly once
   */
  public synchronized boolean release(PortPair pair) {
    int offset = pair.rtp() - firstPort;
    if (offset < 0 || offset / 2 >= capacity || !inUse.get(offset / 2)) {
      return false;
    }
    inUse.clear(offset / 2);
    pairsInUse--;
    return true;
  }

  /** Number of pairs the range holds. */
  public int capacity() {
    return capacity;
  }

  public synchronized int pairsInUse() {
    return pairsInUse;
  }

  public synchronized int pairsFree() {
    return capacity - pairsInUse;
  }

  /** Ports (not pairs) in use: what {@code trunkline_relay_ports_in_use} reports. */
  public synchronized int portsInUse() {
    return 2 * pairsInUse;
  }
}
