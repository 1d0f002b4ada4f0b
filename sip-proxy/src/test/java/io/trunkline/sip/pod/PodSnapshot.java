package io.trunkline.sip.pod;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.testing.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trunk compiled into the two files the operator mounts into a proxy pod, and the environment of
 * a pod on loopback that serves them.
 *
 * @param config the snapshot file
 * @param credentials the credentials file (every secret reads "pw")
 */
record PodSnapshot(Path config, Path credentials) {

  /** Compiles the SipTrunk and RoutePolicies given as YAML into {@code dir}. */
  static PodSnapshot write(Path dir, String trunkYaml, String... policyYamls) throws IOException {
    SipTrunk trunk = Serialization.unmarshal(trunkYaml, SipTrunk.class);
    List<RoutePolicy> policies =
        List.of(policyYamls).stream()
            .map(yaml -> Serialization.unmarshal(yaml, RoutePolicy.class))
            .toList();
    Compilation compilation =
        TrunkCompiler.compile(trunk, List.of(), policies, (s, k) -> Optional.of("pw"));
    Files.createDirectories(dir);
    PodSnapshot snapshot =
        new PodSnapshot(dir.resolve("trunk.json"), dir.resolve("credentials.json"));
    Files.writeString(snapshot.config, TrunkConfigJson.write(compilation.config()));
    Files.writeString(snapshot.credentials, TrunkConfigJson.write(compilation.credentials()));
    return snapshot;
  }

  /**
   * The environment of a pod serving this snapshot on {@code address} (bound and advertised), its
   * metrics on a free port there, with {@code more} variable and value pairs.
   */
  Map<String, String> env(String address, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("TRUNKLINE_CONFIG", config.toString());
    env.put("TRUNKLINE_CREDENTIALS", credentials.toString());
    env.put("TRUNKLINE_ADVERTISED_ADDRESS", address);
    env.put("TRUNKLINE_BIND", address);
    env.put("TRUNKLINE_OPS", address + ":" + LoopbackPorts.freePort(address));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }
}
