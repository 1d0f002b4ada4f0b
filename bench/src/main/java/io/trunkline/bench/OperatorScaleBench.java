package io.trunkline.bench;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.kube.ApiServerResources;
import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies 1,000 SipLines (with their Secrets) across 10 SipTrunks to a real kube-apiserver, with
 * the operator running as its own JVM, and reports the time until every trunk's snapshot holds all
 * its lines and the operator's peak resident memory.
 *
 * <p>Usage: {@code bench/operator-scale.sh [trunks] [lines-per-trunk]}.
 */
public final class OperatorScaleBench {

  private static final Duration LIMIT = Duration.ofMinutes(10);

  /** Line passwords changed one after another once every snapshot is complete. */
  private static final int CHANGES = 50;

  private OperatorScaleBench() {}

  public static void main(String[] args) throws Exception {
    int trunks = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int linesPerTrunk = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int helmReleases = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Path operatorJar =
        TestBinaries.repositoryRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(operatorJar)) {
      throw new IllegalStateException(
          "build the operator first: ./mvnw -pl operator -am package -DskipTests");
    }
    KubeAPIServer server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(TestBinaries.KUBERNETES_VERSION)
                .build());
    server.start();
    Path kubeconfig = Files.createTempFile("bench-kubeconfig", ".yaml");
    AtomicReference<Process> started = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            stopAll(started.get(), server, kubeconfig);
          }
        };
    // Ctrl-C or a timeout's SIGTERM skips the finally below, and left the API server, etcd and
    // the operator running; the JVM's exit runs this hook whichever way it ends.
    Runtime.getRuntime().addShutdownHook(new Thread(stop));
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml()))
            .build()) {
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
      ApiServerResources.installCrds(client);
      String namespace = ApiServerResources.freshNamespace(client);
      helmReleases(client, namespace, helmReleases);
      Process operator = startOperator(operatorJar, kubeconfig);
      started.set(operator);

      // The other processes' share of the machine, which the figures depend on.
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      long start = System.nanoTime();
      apply(client, namespace, trunks, linesPerTrunk);
      long applied = System.nanoTime();
      awaitSnapshots(client, namespace, trunks, linesPerTrunk, operator);
      long done = System.nanoTime();

      long peakKiB = peakResidentKiB(operator.pid());
      Changes changes = changePasswords(client, namespace, trunks, linesPerTrunk, operator);
      System.out.printf(
          "operator-scale: %d lines across %d trunks, %d Helm releases (load average %s, %d cores)%n"
              + "  applied in          %6.1f s%n"
              + "  all snapshots after %6.1f s (from the first apply), %.1f s after the last%n"
              + "  operator peak RSS   %6.0f MiB (until the last snapshot)%n"
              + "  a password's change %6.1f ms of operator CPU, %.0f ms until the trunk's status"
              + " names the new snapshot (mean of %d, one after another)%n",
          trunks * linesPerTrunk,
          trunks,
          helmReleases,
          load,
          Runtime.getRuntime().availableProcessors(),
          (applied - start) / 1e9,
          (done - start) / 1e9,
          (done - applied) / 1e9,
          peakKiB / 1024.0,
          changes.cpuMillis(),
          changes.wallMillis(),
          CHANGES);
    } finally {
      // Here, not only at the JVM's exit: Maven's exec:java waits for the threads reading the API
      // server's and etcd's output, which end with them.
      stop.run();
    }
  }

  private static void stopAll(Process operator, KubeAPIServer server, Path kubeconfig) {
    if (operator != null) {
      operator.destroy();
      try {
        if (!operator.waitFor(10, TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      } catch (InterruptedException e) {
        operator.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    server.stop();
    try {
      Files.deleteIfExists(kubeconfig);
    } catch (IOException e) {
      System.err.println("operator-scale: " + kubeconfig + " left behind: " + e);
    }
  }

  private static Process startOperator(Path jar, Path kubeconfig) throws IOException {
    Path log = Files.createTempFile("bench-operator", ".log");
    System.out.println("operator log: " + log);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The image's flags (operator/pom.xml) inside the chart's memory limit of 512 MiB: the JVM
    // sizes its heap from the limit, and on 2 cores below 1,792 MiB it picks Serial.
    command.addAll(
        List.of(
            "-XX:MaxRAM=512m",
            "-XX:MaxRAMPercentage=75",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError"));
    // Flags to try against them, e.g. OPERATOR_BENCH_JVM_FLAGS="-XX:MaxRAMPercentage=50" (the
    // last of a repeated flag wins).
    String extra = System.getenv().getOrDefault("OPERATOR_BENCH_JVM_FLAGS", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(
        List.of("-Dkubeconfig=" + kubeconfig, "-Dquarkus.http.port=0", "-jar", jar.toString()));
    System.out.println("operator: " + String.join(" ", command));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Secrets as Helm keeps a release's revisions, there before the operator starts, as in a cluster
   * it joins: 256 KiB each of incompressible data (Helm's are gzipped), which no trunk reads.
   */
  private static void helmReleases(KubernetesClient client, String namespace, int releases) {
    Random random = new Random(1);
    for (int r = 0; r < releases; r++) {
      byte[] release = new byte[256 * 1024];
      random.nextBytes(release);
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("sh.helm.release.v1.app-" + r + ".v1")
                  .endMetadata()
                  .withType("helm.sh/release.v1")
                  .withData(Map.of("release", Base64.getEncoder().encodeToString(release)))
                  .build())
          .inNamespace(namespace)
          .create();
    }
  }

  private static void apply(KubernetesClient client, String namespace, int trunks, int lines)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < trunks; t++) {
        String trunk = "trunk-" + t;
        client
            .resource(
                """
                apiVersion: trunkline.io/v1alpha1
                kind: SipTrunk
                metadata: {name: %s}
                spec:
                  channels: 200
                  carriers: [{name: carrier-a, address: 127.0.0.1}]
                """
                    .formatted(trunk))
            .inNamespace(namespace)
            .create();
        for (int l = 0; l < lines; l++) {
          String line = trunk + "-line-" + l;
          String number = "+49301%02d%04d".formatted(t, l);
          work.add(
              pool.submit(
                  () -> {
                    client
                        .resource(
                            """
                            apiVersion: v1
                            kind: Secret
                            metadata: {name: %s-sip}
                            stringData: {password: "bench-%s"}
                            """
                                .formatted(line, line))
                        .inNamespace(namespace)
                        .create();
                    client
                        .resource(
                            """
                            apiVersion: trunkline.io/v1alpha1
                            kind: SipLine
                            metadata: {name: %s}
                            spec: {trunk: %s, number: "%s", username: %s, credentialsSecret: %s-sip}
                            """
                                .formatted(line, trunk, number, line, line))
                        .inNamespace(namespace)
                        .create();
                  }));
        }
      }
      for (Future<?> future : work) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitSnapshots(
      KubernetesClient client, String namespace, int trunks, int lines, Process operator)
      throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!operator.isAlive()) {
        // It exits when it loses its leader Lease, for one: its log says why.
        throw new IllegalStateException("the operator exited with " + operator.exitValue());
      }
      int complete = 0;
      for (int t = 0; t < trunks; t++) {
        if (linesIn(client, namespace, "trunk-" + t) == lines) {
          complete++;
        }
      }
      if (complete == trunks) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("snapshots incomplete after " + LIMIT);
  }

  /** What one password's change cost: the operator's CPU and the time until it showed. */
  private record Changes(double cpuMillis, double wallMillis) {}

  /**
   * Changes {@link #CHANGES} lines' passwords, spread over the trunks and their lines, each once
   * the last one's trunk names its new snapshot in its status: the operator's CPU over them all
   * (user and system, with its resyncs and status writes) divided by their number.
   */
  private static Changes changePasswords(
      KubernetesClient client, String namespace, int trunks, int lines, Process operator)
      throws InterruptedException {
    Thread.sleep(5000); // the status writes and events of the apply settle
    Duration cpuBefore = operator.toHandle().info().totalCpuDuration().orElseThrow();
    long start = System.nanoTime();
    for (int i = 0; i < CHANGES; i++) {
      String trunk = "trunk-" + (i % trunks);
      String line = trunk + "-line-" + ((i * 7919) % lines);
      String before = snapshotVersion(client, namespace, trunk);
      client
          .secrets()
          .inNamespace(namespace)
          .withName(line + "-sip")
          .edit(secret -> new SecretBuilder(secret).addToStringData("password", "changed").build());
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (before.equals(snapshotVersion(client, namespace, trunk))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(trunk + " kept snapshot " + before + " for 60 s");
        }
        Thread.sleep(10);
      }
    }
    long wall = System.nanoTime() - start;
    Duration cpu = operator.toHandle().info().totalCpuDuration().orElseThrow().minus(cpuBefore);
    return new Changes(cpu.toNanos() / 1e6 / CHANGES, wall / 1e6 / CHANGES);
  }

  private static String snapshotVersion(KubernetesClient client, String namespace, String trunk) {
    SipTrunk resource =
        client.resources(SipTrunk.class).inNamespace(namespace).withName(trunk).get();
    return resource.getStatus() == null
        ? ""
        : String.valueOf(resource.getStatus().getSnapshotVersion());
  }

  /** The lines of a trunk's snapshot: those of its line shards (decision 0027). */
  private static int linesIn(KubernetesClient client, String namespace, String trunk) {
    int lines = 0;
    for (int shard = 0; shard < LineShards.MAX_SHARDS; shard++) {
      Secret secret =
          client.secrets().inNamespace(namespace).withName(trunk + "-lines-" + shard).get();
      if (secret == null) {
        break;
      }
      byte[] file = Base64.getDecoder().decode(secret.getData().get(LineShards.fileName(shard)));
      lines += LineShards.read(file).lines().size();
    }
    return lines;
  }

  /** VmHWM: the most resident memory the process ever held (Linux). */
  private static long peakResidentKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmHWM for " + pid);
  }
}
