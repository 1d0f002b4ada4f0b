package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TestTrunks.trunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.config.TrunkCredentials;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SnapshotObjectsTest {

  private final SipTrunk trunk = trunk("");

  @Test
  void theSnapshotIsOneFileOfTheTrunksConfigMap() {
    var map = SnapshotObjects.configMap(trunk, "{\"version\":\"v1\"}");

    assertThat(map.getMetadata().getName()).isEqualTo("acme-config");
    assertThat(map.getMetadata().getNamespace()).isEqualTo("office");
    assertThat(map.getMetadata().getLabels()).isEqualTo(TrunkMetadata.trunkLabels(trunk));
    assertThat(map.getData()).containsOnlyKeys(SnapshotObjects.CONFIG_FILE);
    assertThat(map.getData().get(SnapshotObjects.CONFIG_FILE)).isEqualTo("{\"version\":\"v1\"}");
  }

  @Test
  void credentialsTravelAsSecretDataThatReadsBackTheSame() {
    TrunkCredentials credentials =
        new TrunkCredentials(
            "acme",
            Map.of("alice", new DigestSecret("alice", "md5", "sha256")),
            null,
            Map.of("a", new Login("trunk", "secret")));

    Secret secret = SnapshotObjects.credentialsSecret(trunk, credentials);

    assertThat(secret.getMetadata().getName()).isEqualTo("acme-credentials");
    assertThat(secret.getStringData()).isNullOrEmpty();
    String json =
        new String(
            Base64.getDecoder().decode(secret.getData().get(SnapshotObjects.CREDENTIALS_FILE)),
            StandardCharsets.UTF_8);
    assertThat(TrunkConfigJson.read(json, TrunkCredentials.class)).isEqualTo(credentials);
  }

  @Test
  void theProxiesReadBothFilesWhereTheyAreMounted() {
    var volumes = SnapshotObjects.volumes(trunk);
    var mounts = SnapshotObjects.mounts();

    assertThat(mounts).extracting(VolumeMount::getName).containsExactly("config", "credentials");
    assertThat(volumes).extracting(Volume::getName).containsExactly("config", "credentials");
    assertThat(volumes.get(0).getConfigMap().getName()).isEqualTo("acme-config");
    var credentials = volumes.get(1).getProjected().getSources();
    assertThat(credentials).hasSize(1 + LineShards.MAX_SHARDS);
    assertThat(credentials.get(0).getSecret().getName()).isEqualTo("acme-credentials");
    assertThat(credentials.get(0).getSecret().getOptional()).isNull();
    // Every shard the trunk may grow to, so that growing rolls no pod; those it lacks are absent.
    assertThat(credentials.subList(1, credentials.size()))
        .extracting(
            source -> source.getSecret().getName(), source -> source.getSecret().getOptional())
        .containsExactlyElementsOf(
            IntStream.range(0, LineShards.MAX_SHARDS)
                .mapToObj(i -> tuple("acme-lines-" + i, true))
                .toList());
    assertThat(SnapshotObjects.CONFIG_PATH)
        .isEqualTo(mounts.get(0).getMountPath() + "/" + SnapshotObjects.CONFIG_FILE);
    assertThat(SnapshotObjects.CREDENTIALS_PATH)
        .isEqualTo(mounts.get(1).getMountPath() + "/" + SnapshotObjects.CREDENTIALS_FILE);
    assertThat(mounts).allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
  }

  @Test
  void aProxyPoolReadsShardsOnceItsCredentialsVolumeProjectsThem() {
    SipTrunk trunk = trunk("");
    Deployment proxies = ProxyPool.deployment(trunk, TestTrunks.SETTINGS, 1, Optional.empty());
    assertThat(SnapshotObjects.readsShards(proxies)).isTrue();

    // As an operator from before decision 0027 made it: the credentials Secret alone.
    proxies.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(volume -> "credentials".equals(volume.getName()))
        .forEach(
            volume -> {
              volume.setProjected(null);
              volume.setSecret(
                  new SecretVolumeSourceBuilder().withSecretName("acme-credentials").build());
            });
    assertThat(SnapshotObjects.readsShards(proxies)).isFalse();
  }

  /** Gzip only once every pod reads it (decision 0032), and for good once written so. */
  @Test
  void shardsAreGzippedOnceEveryProxyReadsThemSoAndStaySo() {
    LineShard lines = LineShard.of(List.of(), Map.of());
    Secret plain = SnapshotObjects.lineShardSecret(trunk, 0, lines, Encoding.JSON);
    Secret gzipped = SnapshotObjects.lineShardSecret(trunk, 0, lines, Encoding.GZIP);
    // As made, never changed: no pod of another template ever ran.
    Deployment made = proxies(1, null);
    Deployment rolling = proxies(3, 2L);
    Deployment rolled = proxies(3, 3L);
    Deployment older = proxies(1, null);
    older.getSpec().getTemplate().getMetadata().setAnnotations(null);

    assertThat(SnapshotObjects.encoding(plain)).isEqualTo(Encoding.JSON);
    assertThat(SnapshotObjects.encoding(gzipped)).isEqualTo(Encoding.GZIP);
    assertThat(SnapshotObjects.lineShardVersion(gzipped)).contains(lines.version() + "+gzip");
    assertThat(SnapshotObjects.shardEncoding(Optional.of(made), List.of(plain)))
        .isEqualTo(Encoding.GZIP);
    assertThat(SnapshotObjects.shardEncoding(Optional.of(rolling), List.of(plain)))
        .isEqualTo(Encoding.JSON);
    assertThat(SnapshotObjects.shardEncoding(Optional.of(rolled), List.of(plain)))
        .isEqualTo(Encoding.GZIP);
    assertThat(SnapshotObjects.shardEncoding(Optional.of(older), List.of()))
        .isEqualTo(Encoding.JSON);
    assertThat(SnapshotObjects.shardEncoding(Optional.empty(), List.of())).isEqualTo(Encoding.JSON);
    assertThat(SnapshotObjects.shardEncoding(Optional.of(rolling), List.of(plain, gzipped)))
        .isEqualTo(Encoding.GZIP);
  }

  /** The trunk's proxy Deployment at a generation, its controller having seen {@code observed}. */
  private Deployment proxies(long generation, Long observed) {
    Deployment proxies = ProxyPool.deployment(trunk, TestTrunks.SETTINGS, 2, Optional.empty());
    proxies.getMetadata().setGeneration(generation);
    if (observed != null) {
      proxies.setStatus(
          new DeploymentStatusBuilder()
              .withObservedGeneration(observed)
              .withReplicas(2)
              .withUpdatedReplicas(2)
              .build());
    }
    return proxies;
  }
}
