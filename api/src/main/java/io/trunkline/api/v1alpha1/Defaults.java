package io.trunkline.api.v1alpha1;

/**
 * Defaults of optional fields, in one place for both readers of the resources: the API server
 * applies them from the CRD schema (the model's {@code @Default("" + Defaults.X)}, a constant
 * expression), and the compiler applies them in standalone mode, where no API server defaults.
 */
public final class Defaults {

  public static final int SIP_PORT = 5060;
  public static final int SIPS_PORT = 5061;

  /** RFC 4594 §4.2: CS3 for call signalling. */
  public static final int SIGNALLING_DSCP = 24;

  /** RFC 4594 §4.2 and RFC 3246: EF for real-time media. */
  public static final int MEDIA_DSCP = 46;

  public static final int RTP_PORT_MIN = 20000;
  public static final int RTP_PORT_MAX = 29999;
  public static final int SILENCE_TIMEOUT_SECONDS = 30;
  public static final int RELAY_IDLE_TIMEOUT_SECONDS = 60;
  public static final int INVITE_TIMEOUT_MILLIS = 2000;
  public static final int PROBE_INTERVAL_SECONDS = 10;
  public static final int DOWN_AFTER = 3;
  public static final int UP_AFTER = 2;
  public static final int MAX_CALL_DURATION_SECONDS = 14400;
  public static final int PRIORITY = 1;
  public static final int WEIGHT = 100;
  public static final int LINE_CHANNELS = 1;
  public static final int REJECT_STATUS = 403;
  public static final String TIME_ZONE = "UTC";
  public static final int MIN_REPLICAS = 1;
  public static final int MAX_REPLICAS = 1;
  public static final int SESSIONS_PER_REPLICA = 200;
  public static final int SCALE_DOWN_STABILIZATION_SECONDS = 300;
  public static final int EMERGENCY_EXTRA_CHANNELS = 2;

  /**
   * Decision 0022: a phone with a dozen accounts registers each at boot, challenge and answer: 24
   * REGISTERs at once from one port; then a few a second, far above any refresh.
   */
  public static final int REGISTERS_PER_SOURCE_PER_SECOND = 5;

  public static final int REGISTER_BURST_PER_SOURCE = 30;

  /**
   * Decision 0022: a 1000-line office coming back at once sends 2000 REGISTERs (challenge and
   * answer): 400 at once, the rest within 8 s; refreshes of thousands of lines are a few a second.
   */
  public static final int REGISTERS_PER_TRUNK_PER_SECOND = 200;

  public static final int REGISTER_BURST_PER_TRUNK = 400;

  /** Decision 0023: at some 60 µs a message, over 100 ms of work, a good part of T1 (500 ms). */
  public static final int OVERLOAD_MAX_BACKLOG = 2000;

  /**
   * Decision 0037: what an engine's container asks of its node unless the trunk says otherwise. The
   * JVM sizes its heap from the memory limit (60% in a proxy, 75% in a relay), so the limit is what
   * sizes a pod for its calls: 512Mi is room for about 2,500 new calls a second per proxy.
   */
  public static final String POD_CPU_REQUEST = "250m";

  public static final String POD_MEMORY_REQUEST = "256Mi";

  public static final String POD_MEMORY_LIMIT = "512Mi";

  /** Decision 0037: the smallest memory limit a trunk may give, the default request. */
  public static final String POD_MEMORY_LIMIT_MIN = "256Mi";

  /** Where cert-manager writes a CA's certificate in a Secret. */
  public static final String CARRIER_CA_KEY = "ca.crt";

  private Defaults() {}
}
