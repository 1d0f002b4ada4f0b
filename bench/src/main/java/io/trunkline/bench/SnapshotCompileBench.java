package io.trunkline.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.line.SipLineSpec;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a line's change costs the operator before it reaches the API server: compiling the trunk's
 * snapshot and credentials (decision 0006) and writing their JSON, at each trunk size given. The
 * whole trunk is compiled on every change, so the cost follows the trunk's size, not the line's.
 *
 * <p>Usage: {@code bench/snapshot-compile.sh [lines ...]}.
 */
public final class SnapshotCompileBench {

  private static final int WARM_UP_ROUNDS = 30;
  private static final int MEASURED_ROUNDS = 50;

  private SnapshotCompileBench() {}

  public static void main(String[] args) {
    List<Integer> sizes = new ArrayList<>();
    for (String arg : args.length > 0 ? args : new String[] {"100", "1000", "4800"}) {
      sizes.add(Integer.parseInt(arg));
    }
    System.out.printf(
        "snapshot-compile: %d cores, load average %.2f; %s %s, -XX flags %s%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(flag -> flag.startsWith("-XX"))
            .toList());
    SipTrunk trunk =
        Serialization.unmarshal(
            """
            metadata: {name: acme, namespace: office}
            spec:
              channels: 100000
              pbx: {sources: ["192.0.2.1/32"]}
              carriers: [{name: a, address: 192.0.2.10}]
            """,
            SipTrunk.class);
    for (int size : sizes) {
      List<SipLine> lines = lines(size);
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        compileAndWrite(trunk, lines);
      }
      long start = System.nanoTime();
      int bytes = 0;
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        bytes = compileAndWrite(trunk, lines);
      }
      double millis = (System.nanoTime() - start) / 1e6 / MEASURED_ROUNDS;
      System.out.printf(
          "%6d lines: %7.2f ms per compilation and JSON, %,d bytes of snapshot and credentials%n",
          size, millis, bytes);
    }
  }

  /** Lines with short names, as the operator-scale bench makes them. */
  private static List<SipLine> lines(int count) {
    List<SipLine> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      SipLineSpec spec = new SipLineSpec();
      spec.setTrunk("acme");
      spec.setNumber("+4930%07d".formatted(i));
      spec.setUsername("u" + i);
      spec.setCredentialsSecret("line-" + i);
      SipLine line = new SipLine();
      line.setMetadata(
          new ObjectMetaBuilder().withName("line-" + i).withNamespace("office").build());
      line.setSpec(spec);
      lines.add(line);
    }
    return lines;
  }

  private static int compileAndWrite(SipTrunk trunk, List<SipLine> lines) {
    Compilation compilation =
        TrunkCompiler.compile(
            trunk, lines, List.of(), (secret, key) -> Optional.of("pw-" + secret));
    return TrunkConfigJson.write(compilation.config()).length()
        + TrunkConfigJson.write(compilation.credentials()).length();
  }
}
