package io.trunkline.operator.trunk;

import static io.trunkline.operator.trunk.pool.TestTrunks.secret;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.operator.scaling.SessionCount;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SharedState condition from the trunk's spec, its store's Secret and its proxies' gauges. */
class SharedStateTest {

  private static final SipTrunk STORED = trunk("scaling: {maxReplicas: 4}\nstore: {secretName: s}");
  private static final Optional<Secret> GOOD = secret(Map.of("address", "redis.data.svc:6379"));

  @Test
  void aNamedStoreIsShared() {
    assertThat(render(SharedState.condition(STORED, GOOD, Optional.empty())))
        .isEqualTo("True Shared the replicas share the trunk's state in the store of Secret s");
    assertThat(
            SharedState.condition(
                    STORED,
                    secret(Map.of("address", "[2001:db8::7]:6380", "tls", "true", "password", "p")),
                    reported(3, 0))
                .getReason())
        .isEqualTo(SharedState.SHARED);
  }

  @Test
  void withoutAStoreEachReplicaTakesItsShare() {
    assertThat(render(SharedState.condition(trunk("scaling: {maxReplicas: 4}"), none(), none())))
        .isEqualTo(
            "False Shares no store: each replica takes 1/4 of the channels and calls per second,"
                + " and registrations stay on the replica that took them");
  }

  @Test
  void aPoolOfOneKeepsItsStateInMemory() {
    assertThat(render(SharedState.condition(trunk(""), none(), none())))
        .isEqualTo("True InMemory one replica keeps the trunk's state in memory");
    assertThat(
            SharedState.condition(
                    trunk("scaling: {minReplicas: 1, maxReplicas: 2}"), none(), none())
                .getReason())
        .isEqualTo(SharedState.SHARES);
  }

  @Test
  void replicasOnTheirShareMeanTheStoreIsUnreachable() {
    assertThat(render(SharedState.condition(STORED, GOOD, reported(3, 2))))
        .isEqualTo(
            "False StoreUnreachable the store of Secret s is unreachable: 2 replicas run on their"
                + " shares, 1/4 of the channels and calls per second each");
    assertThat(SharedState.condition(STORED, GOOD, reported(3, 1)).getMessage())
        .endsWith(
            "unreachable: 1 replica runs on its share, 1/4 of the channels and calls per second");
  }

  @Test
  void aStoreGaugeAtZeroMeansNothingWithoutAStore() {
    assertThat(
            SharedState.condition(trunk("scaling: {maxReplicas: 4}"), none(), reported(3, 3))
                .getReason())
        .isEqualTo(SharedState.SHARES);
  }

  @Test
  void aStoreSecretTheProxiesCannotUseIsNamed() {
    assertThat(render(SharedState.condition(STORED, none(), none())))
        .isEqualTo("False StoreSecretInvalid Secret s not found: new proxy pods cannot start");
    assertThat(message(secret(Map.of("password", "p"))))
        .isEqualTo("Secret s has no key address: new proxy pods cannot start");
    assertThat(message(secret(Map.of("address", "redis.data.svc"))))
        .isEqualTo(
            "Secret s: address must be HOST:PORT or [IPV6]:PORT: new proxy pods cannot start");
    assertThat(message(secret(Map.of("address", "2001:db8::7:6379"))))
        .startsWith("Secret s: address must be HOST:PORT");
    assertThat(message(secret(Map.of("address", "redis:6379", "tls", "yes"))))
        .startsWith("Secret s: tls must be true or false:")
        .doesNotContain("yes");
    // A broken Secret comes first: the replicas' gauges then say nothing of the store.
    assertThat(
            SharedState.condition(STORED, secret(Map.of("password", "p")), reported(2, 2))
                .getReason())
        .isEqualTo(SharedState.STORE_SECRET_INVALID);
  }

  private static String message(Optional<Secret> secret) {
    return SharedState.condition(STORED, secret, none()).getMessage();
  }

  private static String render(Condition condition) {
    assertThat(condition.getType()).isEqualTo(SharedState.CONDITION);
    return condition.getStatus() + " " + condition.getReason() + " " + condition.getMessage();
  }

  /** {@code answered} proxies answered, {@code onShare} of them with their store gauge at 0. */
  private static Optional<SessionCount> reported(int answered, int onShare) {
    return Optional.of(new SessionCount(0, answered, 0, Set.of(), Set.of(), onShare));
  }

  private static <T> Optional<T> none() {
    return Optional.empty();
  }
}
