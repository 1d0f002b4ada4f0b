package io.trunkline.sip.config;

import io.trunkline.api.config.Cidr;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.api.config.TrunkCredentials;
import io.trunkline.sip.auth.DigestAlgorithm;
import io.trunkline.sip.routing.RouteTable;
import io.trunkline.sip.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One snapshot made ready for calls: lines by user name and number, carriers by name and by
 * address, the route table. Built once per snapshot version; a call keeps the one it started with.
 */
public final class ServedTrunk {

  private static final System.Logger LOG = System.getLogger(ServedTrunk.class.getName());

  private final Snapshot snapshot;
  private final Map<String, Line> linesByUser = new HashMap<>();
  private final Map<String, Line> linesByNumber = new HashMap<>();
  private final Map<String, Carrier> carriersByName = new HashMap<>();
  private final Map<String, InetSocketAddress> carrierAddresses = new HashMap<>();
  private final Map<InetAddress, Carrier> carriersByAddress = new HashMap<>();
  private final Map<String, List<DigestAlgorithm>> lineAlgorithms = new HashMap<>();
  private final List<DigestAlgorithm> trunkAlgorithms;
  private final List<Cidr> pbxSources;
  private final RouteTable routes;

  public ServedTrunk(Snapshot snapshot) {
    this.snapshot = snapshot;
    TrunkConfig config = snapshot.config();
    for (Line line : config.lines()) {
      linesByUser.put(line.username(), line);
      linesByNumber.put(line.number(), line);
      lineAlgorithms.put(line.username(), DigestAlgorithm.offered(line.digestAlgorithms()));
    }
    this.trunkAlgorithms = DigestAlgorithm.offered(config.listener().digestAlgorithms());
    for (Carrier carrier : config.carriers()) {
      carriersByName.put(carrier.name(), carrier);
      try {
        // Resolved once per snapshot: a DNS lookup per call would put the resolver in every
        // call's setup time. A carrier that does not resolve is unusable until the next snapshot.
        InetSocketAddress address =
            new InetSocketAddress(InetAddress.getByName(carrier.host()), carrier.port());
        carrierAddresses.put(carrier.name(), address);
        carriersByAddress.put(address.getAddress(), carrier);
      } catch (UnknownHostException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "carrier {0}: {1} does not resolve",
            carrier.name(),
            carrier.host());
      }
    }
    this.pbxSources =
        config.pbx() == null
            ? List.of()
            : config.pbx().sources().stream().flatMap(s -> Cidr.parse(s).stream()).toList();
    this.routes = new RouteTable(config);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  public TrunkConfig config() {
    return snapshot.config();
  }

  public TrunkCredentials credentials() {
    return snapshot.credentials();
  }

  public String name() {
    return snapshot.config().trunk();
  }

  public RouteTable routes() {
    return routes;
  }

  public Optional<Line> lineByUser(String user) {
    return Optional.ofNullable(user).map(linesByUser::get);
  }

  public Optional<Line> lineByNumber(String number) {
    return Optional.ofNullable(number).map(linesByNumber::get);
  }

  /** The digest algorithms a line's devices are challenged with, most preferred first. */
  public List<DigestAlgorithm> digestAlgorithms(Line line) {
    return lineAlgorithms.getOrDefault(line.username(), trunkAlgorithms);
  }

  /** The digest algorithms the PBX is challenged with: the trunk's, most preferred first. */
  public List<DigestAlgorithm> pbxDigestAlgorithms() {
    return trunkAlgorithms;
  }

  public Optional<Carrier> carrier(String name) {
    return Optional.ofNullable(carriersByName.get(name));
  }

  public Optional<InetSocketAddress> carrierAddress(String name) {
    return Optional.ofNullable(carrierAddresses.get(name));
  }

  public static Transport transportOf(Carrier carrier) {
    return Transport.of(carrier.transport());
  }

  /** The carrier a request came from, by source address: carriers are trusted by address. */
  public Optional<Carrier> carrierAt(InetAddress source) {
    return Optional.ofNullable(carriersByAddress.get(source));
  }

  public boolean pbxAdmits(InetAddress source) {
    return pbxSources.stream().anyMatch(cidr -> cidr.contains(source));
  }

  public boolean pbxHasSources() {
    return !pbxSources.isEmpty();
  }

  public boolean pbxDigest() {
    return snapshot.config().pbx() != null && snapshot.config().pbx().digest();
  }

  /**
   * Where calls from carriers to the PBX go when it has not registered: a single-host source
   * network names it (port 5060 over UDP, RFC 3261 §19.1.2).
   */
  public Optional<InetSocketAddress> pbxHost() {
    return pbxSources.stream()
        .filter(cidr -> cidr.prefixLength() == cidr.network().length * 8)
        .findFirst()
        .map(
            cidr -> {
              try {
                return new InetSocketAddress(InetAddress.getByAddress(cidr.network()), 5060);
              } catch (UnknownHostException e) {
                throw new IllegalStateException("a parsed network is always an address", e);
              }
            });
  }
}
