package io.trunkline.sip.pool;

import io.netty.util.NetUtil;
import io.trunkline.process.settings.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The live proxies of a pool, as one member sees them, and which of them owns a call. A new call is
 * owned by the member its Call-ID hashes to (rendezvous hashing: a member joining or leaving moves
 * only the new calls that hash to it, never a live dialog, whose owner is written in its
 * Record-Route), so calls spread over the pool even when one PBX sends them all to one member. A
 * leaving (draining) member owns no new call but keeps its dialogs. Where the ready members are
 * named apart (a Service without unready or terminating pods), only they own new calls: a member
 * that another has seen leave, or that has not started yet, is handed none.
 */
public final class Members implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Members.class.getName());

  /** How often the members' names are looked up again: pods come and go. */
  private static final Duration FOLLOW = Duration.ofSeconds(5);

  /**
   * How long the other members may still hand a leaving one new calls: until their next look-up of
   * the ready members (every {@link #FOLLOW}) gets an answer without it through CoreDNS's cache (5
   * s) and the JVM's (1 s).
   */
  private static final Duration LEAVE_NOTICED = Duration.ofSeconds(15);

  /**
   * How long a member that refused a hand-over (ICMP port unreachable: it is gone) owns nothing.
   */
  private static final long DOWN_NANOS = Duration.ofSeconds(5).toNanos();

  /** Look-ups that a request from an unknown member starts are at most this frequent. */
  private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();

  /**
   * How long after a pod's first hand-over DNS may still not name it: CoreDNS caches an answer for
   * 5 s and the JVM for 1 s ({@link io.trunkline.sip.pod.ProxyPod}), so a look-up begun within that
   * time may miss a pod that is already a member.
   */
  private static final long SETTLE_NANOS = Duration.ofSeconds(6).toNanos();

  /** Unknown senders remembered at most; beyond, a hand-over from another is judged at once. */
  private static final int MAX_UNKNOWN = 256;

  private final InetSocketAddress self;
  private final Map<InetSocketAddress, Long> downUntil = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Long> unknownSince = new ConcurrentHashMap<>();
  private volatile List<InetSocketAddress> live;

  /** The members that own new calls, when named apart from {@link #live}; else null. */
  private volatile List<InetSocketAddress> ready;

  private volatile boolean leaving;
  private ScheduledExecutorService following;
  private List<HostPort> names = List.of();
  private List<HostPort> readyNames = List.of();
  private final AtomicBoolean lookUpPending = new AtomicBoolean();
  private final LongSupplier nanos;
  private volatile long lookedUpAt;

  /**
   * @param self this member's own address in the pool (its pod's, not the trunk's)
   */
  public Members(InetSocketAddress self, Collection<InetSocketAddress> found) {
    this(self, found, System::nanoTime);
  }

  private Members(InetSocketAddress self, Collection<InetSocketAddress> found, LongSupplier nanos) {
    this.self = self;
    this.nanos = nanos;
    update(found);
  }

  /** A proxy on its own. */
  public static Members alone(InetSocketAddress self) {
    return new Members(self, List.of());
  }

  /**
   * Members found by looking up {@code names} now and every few seconds: a headless Service's name
   * (one address per pod), or the members' own addresses. A failed look-up keeps the last members.
   * {@code readyNames} are looked up with them for the members that own new calls (none: every
   * member does).
   */
  public static Members following(
      InetSocketAddress self, List<HostPort> names, List<HostPort> readyNames) {
    return following(self, names, readyNames, System::nanoTime);
  }

  /** {@link #following(InetSocketAddress, List, List)} on the clock {@code nanos}. */
  static Members following(
      InetSocketAddress self, List<HostPort> names, List<HostPort> readyNames, LongSupplier nanos) {
    Members members = new Members(self, List.of(), nanos);
    members.readyNames = List.copyOf(readyNames);
    if (names.isEmpty()) {
      return members;
    }
    members.names = List.copyOf(names);
    members.lookUp();
    members.following =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "pool-members");
              thread.setDaemon(true);
              return thread;
            });
    members.following.scheduleWithFixedDelay(
        members::lookUp, FOLLOW.toMillis(), FOLLOW.toMillis(), TimeUnit.MILLISECONDS);
    return members;
  }

  private void lookUp() {
    lookUp(nanos.getAsLong());
  }

  /** Looks the members up; {@code started} is when the look-up was asked for. */
  private void lookUp(long started) {
    try {
      List<InetSocketAddress> found = resolve(names);
      if (found == null) {
        LOG.log(System.Logger.Level.WARNING, "pool members {0} do not resolve now", names);
        return;
      }
      update(found);
      if (!readyNames.isEmpty()) {
        // No ready member at all is no name at all (NXDOMAIN): then every member owns new calls.
        List<InetSocketAddress> readyFound = resolve(readyNames);
        ready = readyFound == null || readyFound.isEmpty() ? null : readyFound;
      }
    } finally {
      // Also after a failure: what DNS could say now, it said.
      lookedUpAt = started;
    }
  }

  /** The addresses {@code hostPorts} resolve to, or null when one does not resolve. */
  private static List<InetSocketAddress> resolve(List<HostPort> hostPorts) {
    List<InetSocketAddress> found = new ArrayList<>();
    for (HostPort name : hostPorts) {
      try {
        for (InetAddress address : InetAddress.getAllByName(name.host())) {
          found.add(new InetSocketAddress(address, name.port()));
        }
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return found;
  }

  /**
   * Whether {@code sender}, which is no member as far as this one knows, may be one it has not
   * found yet: members look each other up every few seconds, so a new pod may hand a call to one
   * that does not know it. True until a look-up begun {@link #SETTLE_NANOS} after the sender's
   * first hand-over has not found it; the caller drops the request meanwhile, and its
   * retransmission (RFC 3261 §17.1.1.2, T1 = 500 ms) is served once the sender is found. Served as
   * a stranger's instead, it was refused 403 from the pod's address (found on a real node, a
   * rolling upgrade). Asks for a look-up at once unless the last one is fresh.
   */
  public boolean mayBeNewMember(InetSocketAddress sender) {
    if (following == null || isMember(sender)) {
      return false;
    }
    long now = nanos.getAsLong();
    Long since = unknownSince.get(sender);
    if (since == null) {
      if (unknownSince.size() >= MAX_UNKNOWN) {
        return false;
      }
      since = unknownSince.computeIfAbsent(sender, unknown -> now);
    }
    if (lookedUpAt - since >= SETTLE_NANOS) {
      return false; // a look-up that DNS could answer with it did not find it: a stranger
    }
    if (now - lookedUpAt >= FRESH_NANOS && lookUpPending.compareAndSet(false, true)) {
      following.execute(
          () -> {
            try {
              // Dated when asked, which is no later than DNS is asked: the stranger's verdict
              // above may come late, never early.
              lookUp(now);
            } finally {
              lookUpPending.set(false);
            }
          });
    }
    return true;
  }

  @Override
  public void close() {
    if (following != null) {
      following.shutdownNow();
    }
  }

  /** The members found now (the headless Service's addresses, or the configured ones). */
  public void update(Collection<InetSocketAddress> found) {
    unknownSince.keySet().removeAll(found);
    live =
        Stream.concat(Stream.of(self), found.stream())
            .distinct()
            .sorted(Comparator.comparing(InetSocketAddress::toString))
            .toList();
  }

  /**
   * A member refused a request handed to it (the network said nothing listens there: it stopped
   * before its name went): it owns no new call for a few seconds, and the caller's retransmission
   * goes to another.
   */
  public void refused(InetSocketAddress member) {
    downUntil.put(member, nanos.getAsLong() + DOWN_NANOS);
  }

  private boolean down(InetSocketAddress member) {
    Long until = downUntil.get(member);
    if (until == null) {
      return false;
    }
    if (nanos.getAsLong() - until > 0) {
      downUntil.remove(member, until);
      return false;
    }
    return true;
  }

  /** Owns no new call from now on: the member drains. */
  public void leave() {
    leaving = true;
  }

  /**
   * How long after {@link #leave} the others may still hand this member new calls, which it passes
   * on: {@link #LEAVE_NOTICED} where they find the ready members by name, none otherwise (members
   * named by address never learn that one left, and a lone proxy has no others).
   */
  public Duration leaveNoticed() {
    return readyNames.isEmpty() ? Duration.ZERO : LEAVE_NOTICED;
  }

  public boolean leaving() {
    return leaving;
  }

  public InetSocketAddress self() {
    return self;
  }

  /** Whether there are other members to share calls with. */
  public boolean pooled() {
    return live.size() > 1;
  }

  /** The members this one knows, itself included. */
  public int size() {
    return live.size();
  }

  /**
   * The members that own new calls as this one sees them: the ready ones where they are named
   * apart, else every member, this one included unless it leaves.
   */
  public int owners() {
    List<InetSocketAddress> owners = ready != null ? ready : live;
    return (int) owners.stream().filter(member -> !(leaving && member.equals(self))).count();
  }

  /** Whether {@code address} is a member of the pool, this one included. */
  public boolean isMember(InetSocketAddress address) {
    return live.contains(address);
  }

  /** Whether {@code address} is another member of the pool, which hands requests over. */
  public boolean isPeer(InetSocketAddress address) {
    return !address.equals(self) && live.contains(address);
  }

  /** The member that owns the new call {@code callId}: the highest hash of Call-ID and member. */
  public InetSocketAddress ownerOfNewCall(String callId) {
    return ownerOfNewCall(callId, null);
  }

  /** {@link #ownerOfNewCall(String)} among the members other than {@code excluded}. */
  public InetSocketAddress ownerOfNewCall(String callId, InetSocketAddress excluded) {
    InetSocketAddress owner = null;
    long best = Long.MIN_VALUE;
    List<InetSocketAddress> owners = ready != null ? ready : live;
    for (InetSocketAddress member : owners) {
      if ((leaving && member.equals(self)) || member.equals(excluded) || down(member)) {
        continue;
      }
      long weight = weight(callId, member);
      if (owner == null || weight > best) {
        owner = member;
        best = weight;
      }
    }
    return owner == null ? self : owner;
  }

  /** The owner mark this member writes into its Record-Route. */
  public String mark() {
    return mark(self);
  }

  static String mark(InetSocketAddress member) {
    return member.getAddress().getHostAddress().contains(":")
        ? "[" + member.getAddress().getHostAddress() + "]:" + member.getPort()
        : member.getAddress().getHostAddress() + ":" + member.getPort();
  }

  /** The member an owner mark names, or null when it is not one. */
  public static InetSocketAddress parseMark(String mark) {
    if (mark == null) {
      return null;
    }
    int colon = mark.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    // Only an address literal: a mark must never make the proxy resolve a name.
    String host = addressLiteral(mark.substring(0, colon));
    try {
      int port = Integer.parseInt(mark.substring(colon + 1));
      if (host == null || port < 1 || port > 65535) {
        return null;
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * {@code host} without IPv6 brackets when it is an IP address literal, else null: what a peer
   * writes (a mark, a Via) is never a name for the proxy to resolve.
   */
  public static String addressLiteral(String host) {
    if (host == null) {
      return null;
    }
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare) ? bare : null;
  }

  /** FNV-1a over the Call-ID and the member, then a final mix so near keys spread. */
  private static long weight(String callId, InetSocketAddress member) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (callId + "|" + mark(member)).getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
