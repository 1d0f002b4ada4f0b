package io.trunkline.api.config;

import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

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

  private TrunkCompiler() {}

  /** Reads one key of a Secret in the trunk's namespace, empty when the Secret or key is absent. */
  @FunctionalInterface
  public interface SecretLookup {
    Optional<String> find(String secret, String key);

    /**
     * The names of the Secrets that may read otherwise than when this lookup's source last served a
     * compilation of the trunk, or empty when it cannot tell: every Secret is then read again. A
     * memo trusts it only after a compilation of its own that ran to its end (decision 0031).
     */
    default Optional<Set<String>> changedSinceLast() {
      return Optional.empty();
    }

    /** The keys {@code username} and {@code password} of a Secret, empty unless both are set. */
    default Optional<Login> login(String secret) {
      Optional<String> username = find(secret, "username");
      Optional<String> password = find(secret, "password");
      return username.isPresent() && password.isPresent()
          ? Optional.of(new Login(username.get(), password.get()))
          : Optional.empty();
    }
  }

  /**
   * Compiles {@code trunk} with the lines attached to it and the policies that name it; lines and
   * policies of other trunks are ignored, so callers may pass everything in the namespace. The
   * snapshot is versioned by its whole content.
   */
  public static Compilation compile(
      SipTrunk trunk,
      Collection<SipLine> lines,
      Collection<RoutePolicy> policies,
      SecretLookup secrets) {
    Compilation compilation = compileUnversioned(trunk, lines, policies, secrets);
    return compilation.blocked()
        ? compilation
        : new Compilation(
            TrunkConfigJson.stamp(compilation.config()),
            compilation.credentials(),
            compilation.problems());
  }

  /**
   * As {@link #compile}, with the snapshot's version left empty: the operator versions it by its
   * shards ({@link LineShards}), which spares writing the whole trunk's JSON to hash it.
   */
  public static Compilation compileUnversioned(
      SipTrunk trunk,
      Collection<SipLine> lines,
      Collection<RoutePolicy> policies,
      SecretLookup secrets) {
    return compileUnversioned(trunk, LineListing.of(lines), policies, secrets, new LineMemo());
  }

  /**
   * As {@link #compileUnversioned(SipTrunk, Collection, Collection, SecretLookup)}, judging again
   * only the lines that changed since {@code memo}'s last compilation of this trunk, as far as
   * {@code lines} and {@code secrets} tell (decision 0031); {@link LineShards#split(TrunkConfig,
   * TrunkCredentials, int, LineMemo)} then takes the memo too.
   */
  public static Compilation compileUnversioned(
      SipTrunk trunk,
      LineListing lines,
      Collection<RoutePolicy> policies,
      SecretLookup secrets,
      LineMemo memo) {
    String name = trunk.getMetadata().getName();
    SipTrunkSpec spec = trunk.getSpec();
    // Decision 0006: the digest realm (RFC 3261 §22.1) is the trunk's name.
    String realm = name;
    Problems problems = new Problems();
    CarrierCompiler.Carriers carriers =
        CarrierCompiler.compile(name, spec.getCarriers(), secrets, problems);
    PbxCompiler.Admission pbx = PbxCompiler.compile(name, realm, spec.getPbx(), secrets, problems);
    TrunkConfig.Listener listener = listener(spec);
    LineCompiler.Lines compiledLines =
        LineCompiler.compile(
            name, realm, listener.digestAlgorithms(), lines, secrets, memo, problems);
    List<TrunkConfig.Route> routes =
        RouteCompiler.compile(
            name,
            policies,
            names(carriers.carriers(), TrunkConfig.Carrier::name),
            compiledLines::has,
            problems);
    TrunkConfig.Emergency emergency =
        EmergencyCompiler.compile(
            name,
            spec.getEmergency(),
            names(carriers.carriers(), TrunkConfig.Carrier::name),
            problems);
    TrunkConfig.Registration registration = SettingsCompiler.registration(spec, name, problems);
    TrunkConfig.Overload overload = SettingsCompiler.overload(spec, name, problems);

    TrunkCredentials credentials =
        new TrunkCredentials(realm, compiledLines.secrets(), pbx.secret(), carriers.logins());
    if (problems.blocking()) {
      return new Compilation(null, credentials, problems.list());
    }
    TrunkConfig config =
        new TrunkConfig(
            "",
            trunk.getMetadata().getNamespace(),
            name,
            listener,
            SettingsCompiler.quota(spec),
            qos(spec),
            media(spec),
            SettingsCompiler.failover(spec),
            SettingsCompiler.zones(spec),
            carriers.carriers(),
            pbx.pbx(),
            compiledLines.lines(),
            routes,
            emergency,
            SettingsCompiler.maxCallDurationSeconds(spec),
            registration,
            overload);
    return new Compilation(config, credentials, problems.list());
  }

  /**
   * Where a trunk's proxies listen, with the schema's defaults: shared with the operator, which
   * opens the same ports on the pods and Services.
   */
  public static TrunkConfig.Listener listener(SipTrunkSpec spec) {
    return SettingsCompiler.listener(spec);
  }

  /** A trunk's DSCP marks, with the schema's defaults; shared with the operator. */
  public static TrunkConfig.Qos qos(SipTrunkSpec spec) {
    return SettingsCompiler.qos(spec);
  }

  /** How a trunk carries media, with the schema's defaults; shared with the operator. */
  public static TrunkConfig.Media media(SipTrunkSpec spec) {
    return SettingsCompiler.media(spec);
  }

  private static <T> Set<String> names(List<T> compiled, Function<T, String> name) {
    return compiled.stream().map(name).collect(Collectors.toSet());
  }
}
