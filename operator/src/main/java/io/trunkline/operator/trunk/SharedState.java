package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.Store;
import io.trunkline.operator.scaling.SessionCount;
import io.trunkline.operator.status.Conditions;
import io.trunkline.operator.trunk.pool.ProxyPool;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the replicas of a trunk's proxy pool keep its channels, calls per second and registrations as
 * one: the SharedState condition. True when they count on one state: the trunk's store ({@code
 * Shared}), or a pool of one replica ({@code InMemory}). False when each replica runs on its share
 * of the trunk: there is no store ({@code Shares}), or replicas report that they cannot reach it
 * ({@code StoreUnreachable}); or when the store's Secret cannot be used ({@code
 * StoreSecretInvalid}), in which case new proxy pods cannot start.
 *
 * <p>The Secret is checked here, not by the compiler: the store is no part of the snapshot, and a
 * standalone edge, which runs the compiler too, has no pool to share.
 */
final class SharedState {

  static final String CONDITION = "SharedState";
  static final String SHARED = "Shared";
  static final String IN_MEMORY = "InMemory";
  static final String SHARES = "Shares";
  static final String STORE_UNREACHABLE = "StoreUnreachable";
  static final String STORE_SECRET_INVALID = "StoreSecretInvalid";

  /** {@code HOST:PORT} or {@code [IPV6]:PORT}, as the proxies read TRUNKLINE_STORE_ADDRESS. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\s:\\[\\]]+):\\d{1,5}");

  private SharedState() {}

  /**
   * The condition for {@code trunk}, from its store's Secret as the informer holds it (empty when
   * there is none of that name) and the store gauges its proxies last reported.
   */
  static Condition condition(
      SipTrunk trunk, Optional<Secret> storeSecret, Optional<SessionCount> sessions) {
    int poolSize = ProxyPool.poolSize(trunk);
    String share = "1/" + poolSize + " of the channels and calls per second";
    Store store = trunk.getSpec().getStore();
    if (store == null) {
      return poolSize == 1
          ? Conditions.of(
              CONDITION, true, IN_MEMORY, "one replica keeps the trunk's state in memory")
          : Conditions.of(
              CONDITION,
              false,
              SHARES,
              "no store: each replica takes "
                  + share
                  + ", and registrations stay on the replica that took them");
    }
    String secret = store.getSecretName();
    Optional<String> invalid = invalid(secret, storeSecret);
    if (invalid.isPresent()) {
      return Conditions.of(
          CONDITION, false, STORE_SECRET_INVALID, invalid.get() + ": new proxy pods cannot start");
    }
    int onShare = sessions.map(SessionCount::podsOnShare).orElse(0);
    if (onShare > 0) {
      return Conditions.of(
          CONDITION,
          false,
          STORE_UNREACHABLE,
          "the store of Secret "
              + secret
              + " is unreachable: "
              + (onShare == 1
                  ? "1 replica runs on its share, " + share
                  : onShare + " replicas run on their shares, " + share + " each"));
    }
    return Conditions.of(
        CONDITION,
        true,
        SHARED,
        "the replicas share the trunk's state in the store of Secret " + secret);
  }

  /** What makes the store's Secret unusable by the proxies, if anything. */
  private static Optional<String> invalid(String secret, Optional<Secret> found) {
    if (found.isEmpty()) {
      return Optional.of("Secret " + secret + " not found");
    }
    Optional<String> address = SecretValues.value(found.get(), ProxyPool.STORE_ADDRESS);
    if (address.isEmpty()) {
      return Optional.of("Secret " + secret + " has no key " + ProxyPool.STORE_ADDRESS);
    }
    // The values stay out of the messages: Events and status are readable by more people than
    // the Secret is.
    if (!HOST_PORT.matcher(address.get()).matches()) {
      return Optional.of(
          "Secret "
              + secret
              + ": "
              + ProxyPool.STORE_ADDRESS
              + " must be HOST:PORT or [IPV6]:PORT");
    }
    Optional<String> tls = SecretValues.value(found.get(), ProxyPool.STORE_TLS);
    if (tls.isPresent() && !tls.get().equals("true") && !tls.get().equals("false")) {
      return Optional.of(
          "Secret " + secret + ": " + ProxyPool.STORE_TLS + " must be true or false");
    }
    return Optional.empty();
  }
}
