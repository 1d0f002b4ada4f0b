package io.trunkline.sip;

import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfig.Carrier;
import io.trunkline.api.config.TrunkConfig.Line;
import io.trunkline.api.config.TrunkConfig.Route;
import io.trunkline.api.config.TrunkConfig.Target;
import io.trunkline.api.config.TrunkCredentials;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.sip.config.Snapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A small office's trunk as the compiler would make it, built in code for tests that need no
 * folder: lines anna and ben, the PBX admitted from 127.0.0.5, calls to +49 over carrier A then B,
 * +49900 refused; 112 and 110 are emergency numbers carrier B takes, one call beyond the channels.
 */
public final class OfficeTrunk {

  public static final String REALM = "office";
  public static final String PBX = "127.0.0.5";
  public static final String CARRIER_A = "127.0.0.10";
  public static final String CARRIER_B = "127.0.0.11";
  public static final String ANNA = "+4930123401";
  public static final String BEN = "+4930123402";
  public static final String BEN_PASSWORD = "ben-secret";

  private OfficeTrunk() {}

  /** The trunk with {@code channels} channels and {@code callsPerSecond} (0: no limit). */
  public static Snapshot snapshot(int channels, int callsPerSecond) {
    return snapshot(channels, callsPerSecond, TrunkConfig.Overload.DEFAULT);
  }

  /** The same trunk refusing new calls beyond {@code overload}'s backlog. */
  public static Snapshot snapshot(int channels, int callsPerSecond, TrunkConfig.Overload overload) {
    TrunkConfig config =
        new TrunkConfig(
            "v1",
            "standalone",
            "office",
            new TrunkConfig.Listener(5060, 5061, List.of("UDP", "TCP"), null, null, List.of("MD5")),
            new TrunkConfig.Quota(channels, callsPerSecond),
            new TrunkConfig.Qos(24, 46),
            new TrunkConfig.Media(false, 20_000, 20_099, 0, 60),
            new TrunkConfig.Failover(1000, 10, 2, 1),
            List.of(),
            List.of(
                new Carrier("carrier-a", CARRIER_A, 5060, "UDP", 1, 1, false),
                new Carrier("carrier-b", CARRIER_B, 5060, "UDP", 2, 1, false)),
            new TrunkConfig.Pbx(List.of(PBX + "/32"), false),
            List.of(
                new Line("anna", ANNA, "anna", 1, "Anna", List.of("MD5")),
                new Line("ben", BEN, "ben", 1, "Ben", List.of("MD5"))),
            List.of(
                route("premium-rate", "+49900", List.of(), new TrunkConfig.Reject(403, "Blocked")),
                route(
                    "germany",
                    "+49",
                    List.of(new Target("carrier-a", 1, 1), new Target("carrier-b", 2, 1)),
                    null)),
            new TrunkConfig.Emergency(List.of("112", "110"), List.of("carrier-b"), 1),
            3600,
            TrunkConfig.Registration.DEFAULT,
            overload);
    TrunkCredentials credentials =
        new TrunkCredentials(
            REALM,
            Map.of("anna", secret("anna", "anna-secret"), "ben", secret("ben", BEN_PASSWORD)),
            null,
            Map.of());
    return new Snapshot(config, credentials);
  }

  private static Route route(
      String rule, String prefix, List<Target> targets, TrunkConfig.Reject reject) {
    return new Route(
        "outbound", rule, List.of(prefix), null, List.of(), "UTC", List.of(), targets, reject);
  }

  private static DigestSecret secret(String user, String password) {
    return new DigestSecret(
        user,
        hex("MD5", user + ":" + REALM + ":" + password),
        hex("SHA-256", user + ":" + REALM + ":" + password));
  }

  private static String hex(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
