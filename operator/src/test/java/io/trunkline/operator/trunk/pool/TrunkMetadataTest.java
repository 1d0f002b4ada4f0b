package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import org.junit.jupiter.api.Test;

class TrunkMetadataTest {

  private final SipTrunk trunk = trunk("");

  @Test
  void everyNameStartsWithTheTrunks() {
    assertThat(
            new String[] {
              TrunkMetadata.proxyName(trunk),
              TrunkMetadata.relayName(trunk),
              TrunkMetadata.configMapName(trunk),
              TrunkMetadata.credentialsName(trunk),
              TrunkMetadata.relayControlName(trunk),
              TrunkMetadata.sipServiceName(trunk),
              TrunkMetadata.peersServiceName(trunk),
              TrunkMetadata.membersServiceName(trunk),
              TrunkMetadata.relayServiceName(trunk),
              TrunkMetadata.serviceAccountName(trunk)
            })
        .containsExactly(
            "acme-sip-proxy",
            "acme-media-relay",
            "acme-config",
            "acme-credentials",
            "acme-relay-control",
            "acme-sip",
            "acme-sip-peers",
            "acme-sip-members",
            "acme-relay",
            "acme-dataplane")
        .doesNotHaveDuplicates();
  }

  @Test
  void aPoolsSelectorIsTheFirstOfItsLabelsAndPicksOnlyThatPool() {
    var proxy = TrunkMetadata.labels(trunk, TrunkMetadata.PROXY);

    assertThat(proxy.entrySet().stream().limit(3).toList())
        .containsExactlyInAnyOrderElementsOf(
            TrunkMetadata.selector(trunk, TrunkMetadata.PROXY).entrySet());
    assertThat(TrunkMetadata.labels(trunk, TrunkMetadata.RELAY))
        .doesNotContainEntry("app.kubernetes.io/name", TrunkMetadata.PROXY);
    assertThat(TrunkMetadata.trunkLabels(trunk)).doesNotContainKey("app.kubernetes.io/name");
  }

  @Test
  void everythingTheOperatorMakesMatchesItsInformersSelector() {
    String[] selector = TrunkMetadata.MANAGED_SELECTOR.split("=");

    assertThat(TrunkMetadata.labels(trunk, TrunkMetadata.PROXY))
        .containsEntry(selector[0], selector[1]);
    assertThat(TrunkMetadata.labels(trunk, TrunkMetadata.RELAY))
        .containsEntry(selector[0], selector[1]);
    assertThat(TrunkMetadata.trunkLabels(trunk)).containsEntry(selector[0], selector[1]);
  }
}
