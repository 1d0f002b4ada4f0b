package io.trunkline.operator.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.config.LineListing;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LineMemosTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final int LINES_PER_SHARD = 3;

  private final LineMemos memos = new LineMemos();
  private final Set<ResourceID> trunks = new HashSet<>();

  @Test
  void aTrunkOfMoreLinesThanAShardKeepsItsMemoUntilItShrinksOrGoes() {
    SipTrunk acme = trunk("acme");
    SipTrunk globex = trunk("globex");

    LineMemos.Memo first = reconcile(acme, 4);
    assertThat(memos.of(acme)).as("kept at 4 lines").isSameAs(first);
    reconcile(globex, 4);
    assertThat(memos.size()).isEqualTo(2);

    assertThat(reconcile(acme, 5)).as("the kept memo, used again").isSameAs(first);
    reconcile(acme, 3);
    assertThat(memos.of(acme)).as("a new memo at 3 lines").isNotSameAs(first);
    assertThat(memos.size()).isEqualTo(1);

    trunks.remove(ResourceID.fromResource(globex));
    reconcile(acme, 2);
    assertThat(memos.size()).as("globex is gone").isZero();
  }

  /** What the reconciler does with a trunk of {@code lines} lines. */
  private LineMemos.Memo reconcile(SipTrunk trunk, int lines) {
    trunks.add(ResourceID.fromResource(trunk));
    LineMemos.Memo memo = memos.of(trunk);
    TrunkCompiler.compileUnversioned(
        trunk,
        LineListing.of(lines(trunk, lines)),
        List.of(),
        (secret, key) -> Optional.of("pw"),
        memo.lines());
    memos.settle(trunk, memo, LINES_PER_SHARD, trunks::contains);
    return memo;
  }

  private static List<SipLine> lines(SipTrunk trunk, int count) {
    List<SipLine> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(
          YAML.unmarshal(
              """
              metadata: {name: line-%d, namespace: office}
              spec: {trunk: %s, number: "+4930%d", username: u%d, credentialsSecret: line-%d}
              """
                  .formatted(i, trunk.getMetadata().getName(), i, i, i),
              SipLine.class));
    }
    return lines;
  }

  /** A trunk of channels alone, which its schema requires: the memo needs only its lines. */
  private static SipTrunk trunk(String name) {
    SipTrunk trunk = new SipTrunk();
    trunk.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("office").build());
    SipTrunkSpec spec = new SipTrunkSpec();
    spec.setChannels(20);
    trunk.setSpec(spec);
    return trunk;
  }
}
