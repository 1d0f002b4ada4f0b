package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.line.SipLineSpec;
import io.trunkline.api.v1alpha1.route.RouteMatch;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.route.RouteRule;
import io.trunkline.api.v1alpha1.route.RouteTarget;
import io.trunkline.api.v1alpha1.route.TimeWindow;
import io.trunkline.api.v1alpha1.route.Weekday;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.Failover;
import io.trunkline.api.v1alpha1.trunk.Media;
import io.trunkline.api.v1alpha1.trunk.MediaMode;
import io.trunkline.api.v1alpha1.trunk.PbxAdmission;
import io.trunkline.api.v1alpha1.trunk.Qos;
import io.trunkline.api.v1alpha1.trunk.SipListener;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles one trunk's resources into its data-plane snapshot: a pure function, the same in the
 * operator and in standalone mode, with no network calls.
 *
 * <p>What cannot be compiled becomes a {@link Problem}. A bad line is left out (it cannot register,
 * which fails closed). Anything else, a trunk setting or a routing rule, blocks the whole snapshot,
 * so the last good one stays in force: leaving out a rule could fail open, for example by dropping
 * the rule that blocks international calls.
 */
public final class TrunkCompiler {

  /** E.164 (ITU-T E.164 §6): a + and at most 15 digits; a prefix may stop anywhere. */
  private static final Pattern E164_PREFIX = Pattern.compile("\\+[0-9]{0,15}");

  private static final String PASSWORD = "password";
  private static final String USERNAME = "username";

  private TrunkCompiler() {}

  /** Reads one key of a Secret in the trunk's namespace, empty when the Secret or key is absent. */
  @FunctionalInterface
  public interface SecretLookup {
    Optional<String> find(String secret, String key);
  }

  /**
   * Compiles {@code trunk} with the lines attached to it and the policies that name it; lines and
   * policies of other trunks are ignored, so callers may pass everything in the namespace.
   */
  public static Compilation compile(
      SipTrunk trunk,
      Collection<SipLine> lines,
      Collection<RoutePolicy> policies,
      SecretLookup secrets) {
    return new Run(trunk, secrets).compile(lines, policies);
  }

  /** One compilation's state: the problems found so far. */
  private static final class Run {
    private final SipTrunk trunk;
    private final String trunkName;
    private final SipTrunkSpec spec;
    private final SecretLookup secrets;
    private final String realm;
    private final List<Problem> problems = new ArrayList<>();
    private boolean blocked;

    Run(SipTrunk trunk, SecretLookup secrets) {
      this.trunk = trunk;
      this.trunkName = trunk.getMetadata().getName();
      this.spec = trunk.getSpec();
      this.secrets = secrets;
      this.realm = trunkName;
    }

    Compilation compile(Collection<SipLine> lines, Collection<RoutePolicy> policies) {
      Map<String, Login> carrierLogins = new LinkedHashMap<>();
      List<TrunkConfig.Carrier> carriers = carriers(carrierLogins);
      DigestSecret[] pbxSecret = new DigestSecret[1];
      TrunkConfig.Pbx pbx = pbx(pbxSecret);
      Map<String, DigestSecret> lineSecrets = new LinkedHashMap<>();
      List<TrunkConfig.Line> compiledLines = lines(lines, lineSecrets);
      Set<String> carrierNames = new HashSet<>();
      carriers.forEach(c -> carrierNames.add(c.name()));
      Set<String> lineNames = new HashSet<>();
      compiledLines.forEach(l -> lineNames.add(l.name()));
      List<TrunkConfig.Route> routes = routes(policies, carrierNames, lineNames);

      TrunkCredentials credentials =
          new TrunkCredentials(realm, lineSecrets, pbxSecret[0], carrierLogins);
      if (blocked) {
        return new Compilation(null, credentials, problems);
      }
      TrunkConfig config =
          new TrunkConfig(
              "",
              trunk.getMetadata().getNamespace(),
              trunkName,
              listener(spec),
              new TrunkConfig.Quota(
                  spec.getChannels(), requireNonNullElse(spec.getCallsPerSecond(), 0)),
              qos(spec),
              media(spec),
              failover(),
              List.copyOf(new LinkedHashSet<>(requireNonNullElse(spec.getZones(), List.of()))),
              carriers,
              pbx,
              compiledLines,
              routes,
              requireNonNullElse(
                  spec.getMaxCallDurationSeconds(), Defaults.MAX_CALL_DURATION_SECONDS));
      return new Compilation(TrunkConfigJson.stamp(config), credentials, problems);
    }

    private TrunkConfig.Failover failover() {
      Failover failover = requireNonNullElse(spec.getFailover(), new Failover());
      return new TrunkConfig.Failover(
          requireNonNullElse(failover.getInviteTimeoutMillis(), Defaults.INVITE_TIMEOUT_MILLIS),
          requireNonNullElse(failover.getProbeIntervalSeconds(), Defaults.PROBE_INTERVAL_SECONDS),
          requireNonNullElse(failover.getDownAfter(), Defaults.DOWN_AFTER),
          requireNonNullElse(failover.getUpAfter(), Defaults.UP_AFTER));
    }

    private List<TrunkConfig.Carrier> carriers(Map<String, Login> logins) {
      List<TrunkConfig.Carrier> carriers = new ArrayList<>();
      for (Carrier carrier : requireNonNullElse(spec.getCarriers(), List.<Carrier>of())) {
        SipTransport transport = requireNonNullElse(carrier.getTransport(), SipTransport.UDP);
        String address = carrier.getAddress();
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        int port =
            colon < 0
                ? (transport == SipTransport.TLS ? Defaults.SIPS_PORT : Defaults.SIP_PORT)
                : Integer.parseInt(address.substring(colon + 1));
        if (port < 1 || port > 65535) {
          blockTrunk("carrier " + carrier.getName() + " has port " + port + ", outside 1-65535");
          continue;
        }
        boolean authenticates = carrier.getCredentialsSecret() != null;
        if (authenticates) {
          Optional<String> user = secrets.find(carrier.getCredentialsSecret(), USERNAME);
          Optional<String> password = secrets.find(carrier.getCredentialsSecret(), PASSWORD);
          if (user.isEmpty() || password.isEmpty()) {
            problem(
                "SipTrunk",
                trunkName,
                Problem.CREDENTIALS_NOT_FOUND,
                "carrier "
                    + carrier.getName()
                    + ": Secret "
                    + carrier.getCredentialsSecret()
                    + " needs keys username and password");
            blocked = true;
            continue;
          }
          logins.put(carrier.getName(), new Login(user.get(), password.get()));
        }
        carriers.add(
            new TrunkConfig.Carrier(
                carrier.getName(),
                host,
                port,
                transport.name(),
                requireNonNullElse(carrier.getPriority(), Defaults.PRIORITY),
                requireNonNullElse(carrier.getWeight(), Defaults.WEIGHT),
                authenticates));
      }
      return carriers;
    }

    private TrunkConfig.Pbx pbx(DigestSecret[] secret) {
      PbxAdmission pbx = spec.getPbx();
      if (pbx == null) {
        return null;
      }
      List<String> sources = new ArrayList<>();
      for (String source : requireNonNullElse(pbx.getSources(), List.<String>of())) {
        if (Cidr.parse(source).isEmpty()) {
          blockTrunk("pbx.sources: " + source + " is not a CIDR such as 192.0.2.10/32");
        } else if (!sources.contains(source)) {
          sources.add(source);
        }
      }
      if (pbx.getCredentialsSecret() != null) {
        Optional<String> user = secrets.find(pbx.getCredentialsSecret(), USERNAME);
        Optional<String> password = secrets.find(pbx.getCredentialsSecret(), PASSWORD);
        if (user.isEmpty() || password.isEmpty()) {
          problem(
              "SipTrunk",
              trunkName,
              Problem.CREDENTIALS_NOT_FOUND,
              "pbx: Secret " + pbx.getCredentialsSecret() + " needs keys username and password");
          blocked = true;
        } else {
          secret[0] = Digest.secret(user.get(), realm, password.get());
        }
      }
      return new TrunkConfig.Pbx(sources, pbx.getCredentialsSecret() != null);
    }

    private List<TrunkConfig.Line> lines(
        Collection<SipLine> lines, Map<String, DigestSecret> lineSecrets) {
      Map<String, String> numbers = new LinkedHashMap<>();
      Map<String, String> usernames = new LinkedHashMap<>();
      List<TrunkConfig.Line> compiled = new ArrayList<>();
      for (SipLine line : byName(lines, l -> l.getMetadata().getName())) {
        SipLineSpec lineSpec = line.getSpec();
        String name = line.getMetadata().getName();
        if (lineSpec == null || !trunkName.equals(lineSpec.getTrunk())) {
          continue;
        }
        String numberOwner = numbers.putIfAbsent(lineSpec.getNumber(), name);
        String userOwner = usernames.putIfAbsent(lineSpec.getUsername(), name);
        if (numberOwner != null || userOwner != null) {
          problem(
              "SipLine",
              name,
              Problem.DUPLICATE_LINE,
              numberOwner != null
                  ? "number " + lineSpec.getNumber() + " already belongs to line " + numberOwner
                  : "username " + lineSpec.getUsername() + " already belongs to line " + userOwner);
          continue;
        }
        Optional<String> password = secrets.find(lineSpec.getCredentialsSecret(), PASSWORD);
        if (password.isEmpty()) {
          problem(
              "SipLine",
              name,
              Problem.CREDENTIALS_NOT_FOUND,
              "Secret " + lineSpec.getCredentialsSecret() + " has no key password");
          continue;
        }
        lineSecrets.put(
            lineSpec.getUsername(), Digest.secret(lineSpec.getUsername(), realm, password.get()));
        compiled.add(
            new TrunkConfig.Line(
                name,
                lineSpec.getNumber(),
                lineSpec.getUsername(),
                requireNonNullElse(lineSpec.getChannels(), Defaults.LINE_CHANNELS),
                lineSpec.getDisplayName()));
      }
      return compiled;
    }

    private List<TrunkConfig.Route> routes(
        Collection<RoutePolicy> policies, Set<String> carriers, Set<String> lines) {
      List<TrunkConfig.Route> routes = new ArrayList<>();
      for (RoutePolicy policy : byName(policies, p -> p.getMetadata().getName())) {
        if (policy.getSpec() == null
            || !requireNonNullElse(policy.getSpec().getTrunks(), List.<String>of())
                .contains(trunkName)) {
          continue;
        }
        String policyName = policy.getMetadata().getName();
        String timeZone = requireNonNullElse(policy.getSpec().getTimeZone(), Defaults.TIME_ZONE);
        try {
          ZoneId.of(timeZone);
        } catch (DateTimeException e) {
          routeProblem(policyName, "timeZone " + timeZone + " is not an IANA time zone");
        }
        for (RouteRule rule :
            requireNonNullElse(policy.getSpec().getRules(), List.<RouteRule>of())) {
          route(policyName, timeZone, rule, carriers, lines).ifPresent(routes::add);
        }
      }
      return routes;
    }

    private Optional<TrunkConfig.Route> route(
        String policy, String timeZone, RouteRule rule, Set<String> carriers, Set<String> lines) {
      String where = "rule " + rule.getName() + ": ";
      int before = problems.size();
      RouteMatch match = requireNonNullElse(rule.getMatch(), new RouteMatch());
      List<String> prefixes =
          List.copyOf(new LinkedHashSet<>(requireNonNullElse(match.getPrefixes(), List.of())));
      for (String prefix : prefixes) {
        if (!E164_PREFIX.matcher(prefix).matches()) {
          routeProblem(policy, where + "prefix " + prefix + " is not + and up to 15 digits");
        }
      }
      if (match.getPattern() != null) {
        try {
          Pattern.compile(match.getPattern());
        } catch (PatternSyntaxException e) {
          routeProblem(policy, where + "pattern does not compile: " + e.getDescription());
        }
      }
      List<String> fromLines =
          List.copyOf(new LinkedHashSet<>(requireNonNullElse(match.getFromLines(), List.of())));
      for (String line : fromLines) {
        if (!lines.contains(line)) {
          routeProblem(policy, where + "fromLines names " + line + ", not a line of the trunk");
        }
      }
      List<TrunkConfig.Target> targets = new ArrayList<>();
      for (RouteTarget target : requireNonNullElse(rule.getRoute(), List.<RouteTarget>of())) {
        if (!carriers.contains(target.getCarrier())) {
          routeProblem(
              policy,
              where + "carrier " + target.getCarrier() + " is not a carrier of trunk " + trunkName);
        }
        targets.add(
            new TrunkConfig.Target(
                target.getCarrier(),
                requireNonNullElse(target.getPriority(), Defaults.PRIORITY),
                requireNonNullElse(target.getWeight(), Defaults.WEIGHT)));
      }
      if (problems.size() > before) {
        return Optional.empty();
      }
      TrunkConfig.Reject reject =
          rule.getReject() == null
              ? null
              : new TrunkConfig.Reject(
                  requireNonNullElse(rule.getReject().getStatus(), Defaults.REJECT_STATUS),
                  rule.getReject().getReason());
      return Optional.of(
          new TrunkConfig.Route(
              policy,
              rule.getName(),
              prefixes,
              match.getPattern(),
              fromLines,
              timeZone,
              requireNonNullElse(match.getTimeWindows(), List.<TimeWindow>of()).stream()
                  .map(TrunkCompiler::timeWindow)
                  .toList(),
              targets,
              reject));
    }

    private void blockTrunk(String message) {
      problem("SipTrunk", trunkName, Problem.INVALID_TRUNK, message);
      blocked = true;
    }

    private void routeProblem(String policy, String message) {
      problem("RoutePolicy", policy, Problem.INVALID_ROUTE, message);
      blocked = true;
    }

    private void problem(String kind, String name, String reason, String message) {
      problems.add(new Problem(kind, name, reason, message));
    }
  }

  /**
   * Where a trunk's proxies listen, with the schema's defaults: shared with the operator, which
   * opens the same ports on the pods and Services.
   */
  public static TrunkConfig.Listener listener(SipTrunkSpec spec) {
    SipListener sip = requireNonNullElse(spec.getSip(), new SipListener());
    List<String> transports =
        requireNonNullElse(sip.getTransports(), List.of(SipTransport.UDP, SipTransport.TCP))
            .stream()
            .map(Enum::name)
            .distinct()
            .toList();
    return new TrunkConfig.Listener(
        requireNonNullElse(sip.getPort(), Defaults.SIP_PORT),
        requireNonNullElse(sip.getTlsPort(), Defaults.SIPS_PORT),
        transports,
        sip.getTlsSecret(),
        sip.getAdvertisedAddress());
  }

  /** A trunk's DSCP marks, with the schema's defaults; shared with the operator. */
  public static TrunkConfig.Qos qos(SipTrunkSpec spec) {
    Qos qos = requireNonNullElse(spec.getQos(), new Qos());
    return new TrunkConfig.Qos(
        requireNonNullElse(qos.getSignallingDscp(), Defaults.SIGNALLING_DSCP),
        requireNonNullElse(qos.getMediaDscp(), Defaults.MEDIA_DSCP));
  }

  /** How a trunk carries media, with the schema's defaults; shared with the operator. */
  public static TrunkConfig.Media media(SipTrunkSpec spec) {
    Media media = requireNonNullElse(spec.getMedia(), new Media());
    return new TrunkConfig.Media(
        requireNonNullElse(media.getMode(), MediaMode.Relay) == MediaMode.Relay,
        requireNonNullElse(media.getPortMin(), Defaults.RTP_PORT_MIN),
        requireNonNullElse(media.getPortMax(), Defaults.RTP_PORT_MAX));
  }

  private static TrunkConfig.TimeWindow timeWindow(TimeWindow window) {
    List<String> days =
        (window.getDays() == null || window.getDays().isEmpty()
                ? List.of(Weekday.values())
                : window.getDays())
            .stream().distinct().sorted().map(TrunkCompiler::dayOfWeek).toList();
    return new TrunkConfig.TimeWindow(days, minutes(window.getStart()), minutes(window.getEnd()));
  }

  private static String dayOfWeek(Weekday day) {
    return DayOfWeek.of(day.ordinal() + 1).name();
  }

  private static int minutes(String hhmm) {
    return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3, 5));
  }

  private static <T> List<T> byName(Collection<T> resources, Function<T, String> name) {
    return resources.stream().filter(Objects::nonNull).sorted(Comparator.comparing(name)).toList();
  }
}
