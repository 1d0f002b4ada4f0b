package io.trunkline.api.config;

import java.util.List;

/**
 * What {@link TrunkCompiler} made of a trunk's resources.
 *
 * @param config the snapshot, or null when a problem blocks it (the last good one stays)
 * @param credentials what the proxies need to authenticate lines, the PBX and carriers
 * @param problems what could not be compiled, each naming its resource
 */
public record Compilation(
    TrunkConfig config, TrunkCredentials credentials, List<Problem> problems) {

  public Compilation {
    problems = List.copyOf(problems);
  }

  /** True when no new snapshot may be published. */
  public boolean blocked() {
    return config == null;
  }
}
