package io.trunkline.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import org.junit.jupiter.api.Test;

/** Which updates reach the controllers that read another resource's spec. */
class SpecChangeTest {

  @Test
  void aNewGenerationCountsAndAStatusWriteDoesNot() {
    SipTrunk before = trunk(3L);

    assertThat(SpecChange.between(before, trunk(4L))).isTrue();
    assertThat(SpecChange.between(before, trunk(3L))).isFalse();
  }

  @Test
  void everyUpdateOfAKindWithoutGenerationCounts() {
    var before = new SecretBuilder().withNewMetadata().withName("alice-sip").endMetadata().build();
    var after = new SecretBuilder(before).addToData("password", "c2VjcmV0").build();

    assertThat(SpecChange.between(before, after)).isTrue();
  }

  private static SipTrunk trunk(long generation) {
    SipTrunk trunk = new SipTrunk();
    trunk.getMetadata().setName("acme");
    trunk.getMetadata().setGeneration(generation);
    return trunk;
  }
}
