package io.trunkline.api.config;

import io.trunkline.api.v1alpha1.Defaults;
import java.util.List;

/**
 * The data plane's view of one trunk: everything a proxy or relay needs to carry its calls,
 * compiled from SipTrunk, SipLine and RoutePolicy resources by {@link TrunkCompiler}. Immutable; a
 * proxy swaps the whole snapshot at once, and live dialogs keep the one they started with. Holds no
 * secrets: credentials travel separately ({@link TrunkCredentials}).
 *
 * @param version content hash; equal versions mean equal snapshots
 */
public record TrunkConfig(
    String version,
    String namespace,
    String trunk,
    Listener listener,
    Quota quota,
    Qos qos,
    Media media,
    Failover failover,
    List<String> zones,
    List<Carrier> carriers,
    Pbx pbx,
    List<Line> lines,
    List<Route> routes,
    Emergency emergency,
    long maxCallDurationSeconds,
    Registration registration,
    Overload overload) {

  public TrunkConfig {
    zones = List.copyOf(zones);
    carriers = List.copyOf(carriers);
    lines = List.copyOf(lines);
    routes = List.copyOf(routes);
    // A snapshot written before emergency numbers were a setting has none.
    emergency = emergency == null ? Emergency.NONE : emergency;
    // One written before the REGISTER limits and the overload bound were settings held to these.
    registration = registration == null ? Registration.DEFAULT : registration;
    overload = overload == null ? Overload.DEFAULT : overload;
  }

  /** Returns this snapshot stamped with a version. */
  TrunkConfig withVersion(String newVersion) {
    return with(newVersion, lines);
  }

  /** Returns this snapshot with other lines, as its shards split or join them (decision 0027). */
  TrunkConfig withLines(List<Line> newLines) {
    return with(version, newLines);
  }

  private TrunkConfig with(String newVersion, List<Line> newLines) {
    return new TrunkConfig(
        newVersion,
        namespace,
        trunk,
        listener,
        quota,
        qos,
        media,
        failover,
        zones,
        carriers,
        pbx,
        newLines,
        routes,
        emergency,
        maxCallDurationSeconds,
        registration,
        overload);
  }

  /**
   * Where the proxies listen, the address they write into Via, Record-Route and Contact, and the
   * digest algorithms (RFC 8760 tokens, most preferred first) they challenge the PBX with.
   */
  public record Listener(
      int port,
      int tlsPort,
      List<String> transports,
      String tlsSecret,
      String advertisedAddress,
      List<String> digestAlgorithms) {
    public Listener {
      transports = List.copyOf(transports);
      digestAlgorithms = digestAlgorithmsOrMd5(digestAlgorithms);
    }
  }

  /** Channels (concurrent dialogs) and new calls per second; 0 calls per second: no limit. */
  public record Quota(int channels, int callsPerSecond) {}

  /** DSCP values, 0-63 (RFC 2474). */
  public record Qos(int signallingDscp, int mediaDscp) {}

  /**
   * Whether relays anchor media, each relay's RTP/RTCP port range, how long an answered call not on
   * hold may pass no media either way before the proxy ends it (0: never; a snapshot from before
   * the setting reads 0, as it behaved), and how long a relay keeps a session that sees nothing at
   * all (read where relays are started, the operator and standalone, not from snapshots).
   */
  public record Media(
      boolean relay,
      int portMin,
      int portMax,
      int silenceTimeoutSeconds,
      int relayIdleTimeoutSeconds) {}

  /** How fast a carrier is given up and declared down or up. */
  public record Failover(
      int inviteTimeoutMillis, int probeIntervalSeconds, int downAfter, int upAfter) {}

  /**
   * An upstream carrier; {@code host} as a SIP URI writes it (RFC 3261 §25.1: a name, an IPv4
   * literal, or an IPv6 literal in brackets); {@code authenticates} when the trunk holds
   * credentials for it.
   */
  public record Carrier(
      String name,
      String host,
      int port,
      String transport,
      int priority,
      int weight,
      boolean authenticates) {}

  /** How the PBX is recognised: source networks and/or digest credentials. */
  public record Pbx(List<String> sources, boolean digest) {
    public Pbx {
      sources = List.copyOf(sources);
    }
  }

  /**
   * A line: a registrable identity with its number and channels, and the digest algorithms (RFC
   * 8760 tokens, most preferred first) its devices are challenged with.
   */
  public record Line(
      String name,
      String number,
      String username,
      int channels,
      String displayName,
      List<String> digestAlgorithms) {
    public Line {
      digestAlgorithms = digestAlgorithmsOrMd5(digestAlgorithms);
    }
  }

  /**
   * A snapshot written before the algorithms were a setting has none: it meant MD5 to every phone
   * (decision 0010), so a proxy reading it during an upgrade keeps offering that.
   */
  private static List<String> digestAlgorithmsOrMd5(List<String> algorithms) {
    return algorithms == null ? List.of("MD5") : List.copyOf(algorithms);
  }

  /**
   * A routing rule, as the proxy evaluates it: longest matching prefix first, then the order given
   * here (policy name, then rule order).
   */
  public record Route(
      String policy,
      String rule,
      List<String> prefixes,
      String pattern,
      List<String> fromLines,
      String timeZone,
      List<TimeWindow> timeWindows,
      List<Target> targets,
      Reject reject) {
    public Route {
      prefixes = List.copyOf(prefixes);
      fromLines = List.copyOf(fromLines);
      timeWindows = List.copyOf(timeWindows);
      targets = List.copyOf(targets);
    }
  }

  /**
   * Days (MONDAY...) the window starts on and minutes of the day, end exclusive; an end before the
   * start falls on the next day.
   */
  public record TimeWindow(List<String> days, int startMinute, int endMinute) {
    public TimeWindow {
      days = List.copyOf(days);
    }
  }

  /**
   * Emergency numbers as dialled (digits, an optional leading +), the carriers that take them in
   * failover order, and how many such calls may exceed the trunk's channels.
   */
  public record Emergency(List<String> numbers, List<String> carriers, int extraChannels) {
    /** No emergency numbers: every call is an ordinary one. */
    public static final Emergency NONE = new Emergency(List.of(), List.of(), 0);

    public Emergency {
      numbers = List.copyOf(numbers);
      carriers = List.copyOf(carriers);
    }
  }

  /**
   * REGISTERs each proxy takes from one source address and port and for the whole trunk, before any
   * digest work (decision 0022).
   */
  public record Registration(RegisterLimit perSource, RegisterLimit perTrunk) {
    /** The schema's defaults. */
    public static final Registration DEFAULT =
        new Registration(
            new RegisterLimit(
                Defaults.REGISTERS_PER_SOURCE_PER_SECOND, Defaults.REGISTER_BURST_PER_SOURCE),
            new RegisterLimit(
                Defaults.REGISTERS_PER_TRUNK_PER_SECOND, Defaults.REGISTER_BURST_PER_TRUNK));
  }

  /** A token bucket of REGISTERs: {@code burst} at once, then {@code perSecond}; both 1 or more. */
  public record RegisterLimit(int perSecond, int burst) {}

  /**
   * Tasks waiting on a new call's worker beyond which the call is refused 503 (decision 0023); 10
   * or more.
   */
  public record Overload(int maxBacklog) {
    /** The schema's default. */
    public static final Overload DEFAULT = new Overload(Defaults.OVERLOAD_MAX_BACKLOG);
  }

  /** A carrier a route sends calls to. */
  public record Target(String carrier, int priority, int weight) {}

  /** The final response a rejecting route answers with. */
  public record Reject(int status, String reason) {}
}
