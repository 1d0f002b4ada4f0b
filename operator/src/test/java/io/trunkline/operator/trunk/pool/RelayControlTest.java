package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.SETTINGS;
import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** The relay control key's Secret and how the pools roll with it: no cluster needed. */
class RelayControlTest {

  private static final String KEY = "0123456789abcdef".repeat(4);

  private final SipTrunk trunk = trunk("");

  @Test
  void aTrunkWithoutAKeyGetsThirtyTwoRandomBytesAsHexDigits() {
    Secret first = RelayControl.secret(trunk, Optional.empty());
    Secret second = RelayControl.secret(trunk, Optional.empty());

    assertThat(first.getMetadata().getName()).isEqualTo("acme-relay-control");
    assertThat(first.getMetadata().getNamespace()).isEqualTo("office");
    assertThat(first.getMetadata().getLabels())
        .containsAllEntriesOf(TrunkMetadata.trunkLabels(trunk));
    assertThat(first.getType()).isEqualTo("Opaque");
    assertThat(RelayControl.key(first))
        .get(InstanceOfAssertFactories.STRING)
        .matches("[0-9a-f]{64}");
    assertThat(RelayControl.key(second)).isNotEqualTo(RelayControl.key(first));
  }

  @Test
  void theKeyATrunkHasIsKeptWhateverReconcilesIt() {
    Secret existing = secret(KEY);

    Secret desired = RelayControl.secret(trunk, Optional.of(existing));

    assertThat(desired.getData()).isEqualTo(existing.getData());
    assertThat(RelayControl.key(desired)).contains(KEY);
    // A key written by hand, with the newline `echo` leaves, is the operator's to keep as well.
    Secret byHand = secret(KEY.toUpperCase() + "\n");
    assertThat(RelayControl.secret(trunk, Optional.of(byHand)).getData())
        .isEqualTo(byHand.getData());
  }

  @Test
  void aKeyTheEnginesCouldNotReadIsReplaced() {
    for (Secret unreadable :
        new Secret[] {
          secret(KEY.substring(1)),
          secret(KEY.replace('a', 'x')),
          new SecretBuilder().addToData(RelayControl.KEY, "not base64!").build(),
          new SecretBuilder().addToData("other", encode(KEY)).build(),
          new SecretBuilder().build()
        }) {
      Secret desired = RelayControl.secret(trunk, Optional.of(unreadable));

      assertThat(RelayControl.key(unreadable)).isEmpty();
      assertThat(RelayControl.key(desired))
          .get(InstanceOfAssertFactories.STRING)
          .matches("[0-9a-f]{64}");
    }
  }

  @Test
  void bothPoolsReadTheKeyFromTheSecretAndRollWhenItChanges() {
    Deployment relays = RelayControl.rollsWith(RelayPool.deployment(trunk, SETTINGS), KEY);
    Deployment sameKey = RelayControl.rollsWith(RelayPool.deployment(trunk, SETTINGS), KEY);
    Deployment newKey =
        RelayControl.rollsWith(RelayPool.deployment(trunk, SETTINGS), "f".repeat(64));

    assertThat(relays.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(
            RelayControl.KEY_HASH_ANNOTATION,
            // sha256sum of the key's 64 characters, as a shell computes it.
            "a8ae6e6ee929abea3afcfc5258c8ccd6f85273e0d4626d26c7279f3250f77c8e");
    assertThat(sameKey.getSpec().getTemplate()).isEqualTo(relays.getSpec().getTemplate());
    assertThat(newKey.getSpec().getTemplate()).isNotEqualTo(relays.getSpec().getTemplate());
    assertThat(relays.getSpec().getTemplate().getMetadata().getAnnotations().values())
        .noneMatch(value -> value.contains(KEY));
  }

  private static Secret secret(String key) {
    return new SecretBuilder().addToData(RelayControl.KEY, encode(key)).build();
  }

  private static String encode(String key) {
    return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.US_ASCII));
  }
}
