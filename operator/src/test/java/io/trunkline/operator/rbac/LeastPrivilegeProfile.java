package io.trunkline.operator.rbac;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** The operator as the chart installs it: its own ServiceAccount, its ClusterRole, a Lease. */
public class LeastPrivilegeProfile implements QuarkusTestProfile {

  @Override
  public String getConfigProfile() {
    return "least-privilege";
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.operator-sdk.activate-leader-election-for-profiles", "prod,least-privilege",
        // Shutting the test down ends the leadership; the JVM running the tests must not exit.
        "trunkline.leader-election.exit-on-stop-leading", "false",
        "trunkline.autoscaler.poll-period", "1s");
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(ChartRbacResource.class));
  }

  @Override
  public boolean disableGlobalTestResources() {
    return true;
  }
}
