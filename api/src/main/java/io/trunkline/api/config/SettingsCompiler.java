package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.v1alpha1.Defaults;
import io.trunkline.api.v1alpha1.DigestAlgorithm;
import io.trunkline.api.v1alpha1.trunk.Failover;
import io.trunkline.api.v1alpha1.trunk.Media;
import io.trunkline.api.v1alpha1.trunk.MediaMode;
import io.trunkline.api.v1alpha1.trunk.Overload;
import io.trunkline.api.v1alpha1.trunk.Qos;
import io.trunkline.api.v1alpha1.trunk.Registration;
import io.trunkline.api.v1alpha1.trunk.SipListener;
import io.trunkline.api.v1alpha1.trunk.SipTransport;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Compiles a trunk's own settings (listener and digest algorithms, quotas, DSCP marks, media,
 * failover timers, zones, REGISTER limits, the overload bound) with the schema's defaults, because
 * in standalone mode no API server has applied them. Only the REGISTER limits and the overload
 * bound are checked again against the schema's ranges, since a proxy cannot keep a bucket of no
 * REGISTERs; a fault there blocks the snapshot, as other faults do (decision 0006).
 */
final class SettingsCompiler {

  /**
   * Decision 0010: one MD5 challenge unless the trunk says otherwise, since some phones give up on
   * a 401 that carries a challenge in an algorithm they do not know.
   */
  static final List<String> DEFAULT_DIGEST_ALGORITHMS = List.of(DigestAlgorithm.MD5.token());

  private SettingsCompiler() {}

  /** Where the trunk's proxies listen; the operator opens the same ports on pods and Services. */
  static TrunkConfig.Listener listener(SipTrunkSpec spec) {
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
        sip.getAdvertisedAddress(),
        digestAlgorithms(sip.getDigestAlgorithms(), DEFAULT_DIGEST_ALGORITHMS));
  }

  /** {@code algorithms} as tokens in their order, each once; {@code unset} when null or empty. */
  static List<String> digestAlgorithms(List<DigestAlgorithm> algorithms, List<String> unset) {
    List<String> tokens =
        requireNonNullElse(algorithms, List.<DigestAlgorithm>of()).stream()
            .filter(Objects::nonNull)
            .map(DigestAlgorithm::token)
            .distinct()
            .toList();
    return tokens.isEmpty() ? unset : tokens;
  }

  /** Channels and new calls per second; unset becomes 0, which the proxies read as no limit. */
  static TrunkConfig.Quota quota(SipTrunkSpec spec) {
    return new TrunkConfig.Quota(
        spec.getChannels(), requireNonNullElse(spec.getCallsPerSecond(), 0));
  }

  static TrunkConfig.Qos qos(SipTrunkSpec spec) {
    Qos qos = requireNonNullElse(spec.getQos(), new Qos());
    return new TrunkConfig.Qos(
        requireNonNullElse(qos.getSignallingDscp(), Defaults.SIGNALLING_DSCP),
        requireNonNullElse(qos.getMediaDscp(), Defaults.MEDIA_DSCP));
  }

  static TrunkConfig.Media media(SipTrunkSpec spec) {
    Media media = requireNonNullElse(spec.getMedia(), new Media());
    return new TrunkConfig.Media(
        requireNonNullElse(media.getMode(), MediaMode.Relay) == MediaMode.Relay,
        requireNonNullElse(media.getPortMin(), Defaults.RTP_PORT_MIN),
        requireNonNullElse(media.getPortMax(), Defaults.RTP_PORT_MAX),
        requireNonNullElse(media.getSilenceTimeoutSeconds(), Defaults.SILENCE_TIMEOUT_SECONDS),
        requireNonNullElse(media.getIdleTimeoutSeconds(), Defaults.RELAY_IDLE_TIMEOUT_SECONDS));
  }

  static TrunkConfig.Failover failover(SipTrunkSpec spec) {
    Failover failover = requireNonNullElse(spec.getFailover(), new Failover());
    return new TrunkConfig.Failover(
        requireNonNullElse(failover.getInviteTimeoutMillis(), Defaults.INVITE_TIMEOUT_MILLIS),
        requireNonNullElse(failover.getProbeIntervalSeconds(), Defaults.PROBE_INTERVAL_SECONDS),
        requireNonNullElse(failover.getDownAfter(), Defaults.DOWN_AFTER),
        requireNonNullElse(failover.getUpAfter(), Defaults.UP_AFTER));
  }

  /** REGISTERs per source and per trunk (decision 0022). */
  static TrunkConfig.Registration registration(SipTrunkSpec spec, String trunk, Problems problems) {
    Registration registration = requireNonNullElse(spec.getRegistration(), new Registration());
    return new TrunkConfig.Registration(
        new TrunkConfig.RegisterLimit(
            within(
                "registration.perSourcePerSecond",
                requireNonNullElse(
                    registration.getPerSourcePerSecond(), Defaults.REGISTERS_PER_SOURCE_PER_SECOND),
                1,
                10_000,
                trunk,
                problems),
            within(
                "registration.perSourceBurst",
                requireNonNullElse(
                    registration.getPerSourceBurst(), Defaults.REGISTER_BURST_PER_SOURCE),
                1,
                100_000,
                trunk,
                problems)),
        new TrunkConfig.RegisterLimit(
            within(
                "registration.perTrunkPerSecond",
                requireNonNullElse(
                    registration.getPerTrunkPerSecond(), Defaults.REGISTERS_PER_TRUNK_PER_SECOND),
                1,
                10_000,
                trunk,
                problems),
            within(
                "registration.perTrunkBurst",
                requireNonNullElse(
                    registration.getPerTrunkBurst(), Defaults.REGISTER_BURST_PER_TRUNK),
                1,
                100_000,
                trunk,
                problems)));
  }

  /** The backlog beyond which new calls are refused (decision 0023). */
  static TrunkConfig.Overload overload(SipTrunkSpec spec, String trunk, Problems problems) {
    Overload overload = requireNonNullElse(spec.getOverload(), new Overload());
    return new TrunkConfig.Overload(
        within(
            "overload.maxBacklog",
            requireNonNullElse(overload.getMaxBacklog(), Defaults.OVERLOAD_MAX_BACKLOG),
            10,
            100_000,
            trunk,
            problems));
  }

  /**
   * {@code value}, with a blocking problem when it is outside the schema's {@code min}-{@code max}.
   */
  private static int within(
      String field, int value, int min, int max, String trunk, Problems problems) {
    if (value < min || value > max) {
      problems.block(
          "SipTrunk",
          trunk,
          Problem.INVALID_TRUNK,
          field + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }

  /** The zones in the order first written, each once. */
  static List<String> zones(SipTrunkSpec spec) {
    return List.copyOf(new LinkedHashSet<>(requireNonNullElse(spec.getZones(), List.of())));
  }

  static long maxCallDurationSeconds(SipTrunkSpec spec) {
    return requireNonNullElse(spec.getMaxCallDurationSeconds(), Defaults.MAX_CALL_DURATION_SECONDS);
  }
}
