package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TrunkMetadata.meta;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.relayControlName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.trunkLabels;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key a trunk's proxies sign relay control requests with and its relays check them against
 * (decision 0009): 32 random bytes as 64 hex digits in a Secret the operator makes once and then
 * keeps, read by both pools from {@code TRUNKLINE_RELAY_CONTROL_KEY}. The key's SHA-256 on both
 * pools' pod templates rolls them when the key changes, since a variable from a Secret is read only
 * when a container starts.
 */
public final class RelayControl {

  /** The key of the Secret's data that holds the control key. */
  public static final String KEY = "key";

  /** What media-relay's RelayMain and sip-proxy's ProxyPod read the key from. */
  static final String VARIABLE = "TRUNKLINE_RELAY_CONTROL_KEY";

  /** The SHA-256 of the key, on both pools' pod templates. */
  public static final String KEY_HASH_ANNOTATION = "trunkline.io/relay-control-key-sha256";

  private static final int KEY_BYTES = 32;

  /** What the engines accept (relay-control's ControlKey): 64 hex digits, around blanks. */
  private static final Pattern WELL_FORMED = Pattern.compile("\\s*\\p{XDigit}{64}\\s*");

  private static final SecureRandom RANDOM = new SecureRandom();

  private RelayControl() {}

  /**
   * The trunk's Secret: the key {@code existing} holds, so that no reconcile makes a new one; a
   * fresh key when there is none, or none the engines could read. A key written by hand (as 64 hex
   * digits) is kept too.
   */
  public static Secret secret(SipTrunk trunk, Optional<Secret> existing) {
    String data =
        existing
            .flatMap(secret -> Optional.ofNullable(secret.getData()))
            .map(values -> values.get(KEY))
            .filter(encoded -> key(encoded).isPresent())
            .orElseGet(RelayControl::newKey);
    // data, not stringData: the API server stores data, and comparing like with like keeps the
    // dependent from rewriting an unchanged Secret on every reconcile.
    return new SecretBuilder()
        .withMetadata(meta(trunk, relayControlName(trunk), trunkLabels(trunk)))
        .withType("Opaque")
        .addToData(KEY, data)
        .build();
  }

  /** The control key a Secret holds, when the engines can read it. */
  public static Optional<String> key(Secret secret) {
    return Optional.ofNullable(secret.getData())
        .map(values -> values.get(KEY))
        .flatMap(RelayControl::key);
  }

  /**
   * {@code deployment} with the key's SHA-256 on its pod template: a new key is a new template, so
   * the pool rolls and its pods read the new key as they start.
   */
  public static Deployment rollsWith(Deployment deployment, String key) {
    ObjectMeta template = deployment.getSpec().getTemplate().getMetadata();
    Map<String, String> annotations =
        template.getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(template.getAnnotations());
    annotations.put(KEY_HASH_ANNOTATION, sha256(key.strip()));
    template.setAnnotations(annotations);
    return deployment;
  }

  /** The variable both engines read the key from, when their container starts. */
  static EnvVar env(SipTrunk trunk) {
    return DataPlanePods.secretEnv(VARIABLE, relayControlName(trunk), KEY, false);
  }

  private static Optional<String> key(String base64) {
    try {
      String key = new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
      return WELL_FORMED.matcher(key).matches() ? Optional.of(key) : Optional.empty();
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  private static String newKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return Base64.getEncoder()
        .encodeToString(HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (the MessageDigest specification).
      throw new IllegalStateException(e);
    }
  }
}
