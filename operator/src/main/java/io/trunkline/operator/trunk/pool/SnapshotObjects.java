package io.trunkline.operator.trunk.pool;

import static io.trunkline.operator.trunk.pool.TrunkMetadata.configMapName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.credentialsName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.lineShardName;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.meta;
import static io.trunkline.operator.trunk.pool.TrunkMetadata.trunkLabels;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.trunkline.api.config.LineShard;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.LineShards.Encoding;
import io.trunkline.api.config.TrunkConfig;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.config.TrunkCredentials;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trunk's compiled snapshot (a ConfigMap) and its credentials (a Secret, decision 0006), its
 * lines in shards (Secrets, decision 0027), and where the proxies mount them.
 */
public final class SnapshotObjects {

  public static final String CONFIG_FILE = "trunk.json";
  public static final String CREDENTIALS_FILE = "credentials.json";

  /** The annotation on the snapshot ConfigMap that says its lines are in shards. */
  private static final String LAYOUT = "trunkline.io/snapshot-layout";

  private static final String SHARDS = "line-shards";

  /** The annotation on a line shard's Secret that carries the shard's version. */
  static final String LINES_VERSION = "trunkline.io/lines-version";

  /** What a gzip'd shard's version ends with (decision 0032). */
  private static final String GZIPPED = "+gzip";

  /**
   * The annotation on the proxies' pod template that says they read gzip'd line shards: those of an
   * operator since decision 0032. Until every pod of a pool does, its shards are plain JSON.
   */
  private static final String SHARD_ENCODING = "trunkline.io/line-shard-encoding";

  private static final String GZIP = "gzip";

  private static final String CONFIG_DIR = "/etc/trunkline/config";
  private static final String CREDENTIALS_DIR = "/etc/trunkline/credentials";

  /** Where a proxy reads the snapshot. */
  static final String CONFIG_PATH = CONFIG_DIR + "/" + CONFIG_FILE;

  /** Where a proxy reads the credentials. */
  static final String CREDENTIALS_PATH = CREDENTIALS_DIR + "/" + CREDENTIALS_FILE;

  private SnapshotObjects() {}

  /**
   * The trunk's part of its snapshot, its lines being in shards; the proxies reload it when the
   * mounted file changes.
   */
  public static ConfigMap configMap(SipTrunk trunk, TrunkConfig config) {
    return configMap(trunk, TrunkConfigJson.write(config), true);
  }

  /**
   * A snapshot ConfigMap holding snapshot JSON already written: the last good one, or a whole one
   * for proxies from before decision 0027 ({@code sharded} false).
   */
  public static ConfigMap configMap(SipTrunk trunk, String snapshotJson, boolean sharded) {
    ConfigMap map = configMap(trunk, snapshotJson);
    return sharded
        ? new ConfigMapBuilder(map)
            .editMetadata()
            .addToAnnotations(LAYOUT, SHARDS)
            .endMetadata()
            .build()
        : map;
  }

  /**
   * Whether the snapshot ConfigMap was written with the trunk's lines in shards: one written by an
   * operator from before decision 0027 holds the lines itself and says nothing.
   */
  public static boolean sharded(ConfigMap snapshot) {
    Map<String, String> annotations = snapshot.getMetadata().getAnnotations();
    return annotations != null && SHARDS.equals(annotations.get(LAYOUT));
  }

  /** The snapshot ConfigMap holding already written snapshot JSON. */
  static ConfigMap configMap(SipTrunk trunk, String snapshotJson) {
    return new ConfigMapBuilder()
        .withMetadata(meta(trunk, configMapName(trunk), trunkLabels(trunk)))
        .addToData(CONFIG_FILE, snapshotJson)
        .build();
  }

  /** Digest hashes of lines and PBX, carrier logins: never in the ConfigMap. */
  public static Secret credentialsSecret(SipTrunk trunk, TrunkCredentials credentials) {
    // data, not stringData: the API server stores data, and comparing like with like keeps the
    // dependent from rewriting an unchanged Secret on every reconcile.
    byte[] json = TrunkConfigJson.write(credentials).getBytes(StandardCharsets.UTF_8);
    return new SecretBuilder()
        .withMetadata(meta(trunk, credentialsName(trunk), trunkLabels(trunk)))
        .withType("Opaque")
        .addToData(CREDENTIALS_FILE, Base64.getEncoder().encodeToString(json))
        .build();
  }

  /**
   * Shard {@code shard} of the trunk's lines with their digest hashes (decision 0027): a Secret,
   * since it holds credentials, whose one key is the file the proxies read beside credentials.json,
   * in {@code encoding} (decision 0032).
   */
  public static Secret lineShardSecret(
      SipTrunk trunk, int shard, LineShard lines, Encoding encoding) {
    byte[] file = LineShards.file(lines, encoding);
    return lineShardSecret(
        trunk,
        shard,
        fileVersion(lines.version(), encoding),
        Map.of(LineShards.fileName(shard), Base64.getEncoder().encodeToString(file)));
  }

  /**
   * A shard whose data is already written, as the API server holds it (base64).
   *
   * @param fileVersion the version its Secret carries already ({@link #fileVersion})
   */
  public static Secret lineShardSecret(
      SipTrunk trunk, int shard, String fileVersion, Map<String, String> data) {
    return new SecretBuilder()
        .withMetadata(meta(trunk, lineShardName(trunk, shard), trunkLabels(trunk)))
        .editMetadata()
        .addToAnnotations(LINES_VERSION, fileVersion)
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** The version of the shard a Secret holds, as its annotation says ({@link #fileVersion}). */
  public static Optional<String> lineShardVersion(Secret shard) {
    return Optional.ofNullable(shard.getMetadata().getAnnotations())
        .map(annotations -> annotations.get(LINES_VERSION));
  }

  /**
   * The version a shard's Secret carries: its content's, and "+gzip" after it when its file is
   * gzip'd. An operator from before decision 0032 then finds no version of its own on a gzip'd
   * shard, and writes the shard out again as the JSON its own proxies read.
   */
  public static String fileVersion(String version, Encoding encoding) {
    return encoding == Encoding.GZIP ? version + GZIPPED : version;
  }

  /** How a shard's Secret holds its file, as its version says. */
  public static Encoding encoding(Secret shard) {
    return lineShardVersion(shard).filter(version -> version.endsWith(GZIPPED)).isPresent()
        ? Encoding.GZIP
        : Encoding.JSON;
  }

  /**
   * How a trunk's shards are written (decision 0032): gzip'd once every pod of its proxy pool reads
   * them so, and from then on, since the pods a later roll replaces read them too. Every pod does
   * when the Deployment's template says so and either it has rolled out, or its spec never changed
   * since it was made (generation 1), so that no pod of another template ever ran.
   *
   * @param proxies the trunk's proxy Deployment, if it exists
   * @param shards the trunk's shard Secrets
   */
  public static Encoding shardEncoding(Optional<Deployment> proxies, Collection<Secret> shards) {
    boolean gzipped = shards.stream().anyMatch(shard -> encoding(shard) == Encoding.GZIP);
    boolean everyPodReadsGzip =
        proxies
            .filter(SnapshotObjects::readsGzippedShards)
            .filter(
                pool ->
                    Long.valueOf(1).equals(pool.getMetadata().getGeneration())
                        || DataPlanePods.rolledOut(pool))
            .isPresent();
    return gzipped || everyPodReadsGzip ? Encoding.GZIP : Encoding.JSON;
  }

  /** Whether a proxy Deployment's pods read gzip'd line shards, as its template says. */
  public static boolean readsGzippedShards(Deployment proxies) {
    Map<String, String> annotations =
        proxies.getSpec().getTemplate().getMetadata().getAnnotations();
    return annotations != null && GZIP.equals(annotations.get(SHARD_ENCODING));
  }

  /** The annotations of the proxies' pod template: they read gzip'd line shards. */
  static Map<String, String> proxyPodAnnotations() {
    return Map.of(SHARD_ENCODING, GZIP);
  }

  /**
   * Whether a proxy Deployment's pods read the trunk's line shards: their credentials volume
   * projects them. One made by an operator from before decision 0027 mounts one Secret there.
   */
  public static boolean readsShards(Deployment proxies) {
    return proxies.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(
            volume -> "credentials".equals(volume.getName()) && volume.getProjected() != null);
  }

  static List<VolumeMount> mounts() {
    return List.of(
        new VolumeMountBuilder()
            .withName("config")
            .withMountPath(CONFIG_DIR)
            .withReadOnly(true)
            .build(),
        new VolumeMountBuilder()
            .withName("credentials")
            .withMountPath(CREDENTIALS_DIR)
            .withReadOnly(true)
            .build());
  }

  static List<Volume> volumes(SipTrunk trunk) {
    return List.of(
        new VolumeBuilder()
            .withName("config")
            .withNewConfigMap()
            .withName(configMapName(trunk))
            .endConfigMap()
            .build(),
        new VolumeBuilder()
            .withName("credentials")
            .withNewProjected()
            .withSources(credentialSources(trunk))
            .endProjected()
            .build());
  }

  /**
   * The trunk's credentials and every shard it may have: optional, since a trunk has only as many
   * as its lines need, and named all the same, so that a trunk that grows its shards does not roll
   * its pools (the kubelet adds a shard to the volume once it exists).
   */
  private static List<VolumeProjection> credentialSources(SipTrunk trunk) {
    List<VolumeProjection> sources = new ArrayList<>();
    sources.add(
        new VolumeProjectionBuilder()
            .withNewSecret()
            .withName(credentialsName(trunk))
            .endSecret()
            .build());
    for (int shard = 0; shard < LineShards.MAX_SHARDS; shard++) {
      sources.add(
          new VolumeProjectionBuilder()
              .withNewSecret()
              .withName(lineShardName(trunk, shard))
              .withOptional(true)
              .endSecret()
              .build());
    }
    return sources;
  }
}
