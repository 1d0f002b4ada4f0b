package io.trunkline.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Two operator replicas may run for availability; a Lease in the operator's namespace picks the one
 * that reconciles. Quarkus Operator SDK activates it in the prod profile.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

  public static final String LEASE = "trunkline-operator-lease";

  /**
   * @param exitOnStopLeading exit when leadership is lost, so Kubernetes restarts the pod as a
   *     clean follower (the default); false keeps the process, e.g. when embedded in a test
   */
  public LeaderElection(
      @ConfigProperty(
              name = "trunkline.leader-election.exit-on-stop-leading",
              defaultValue = "true")
          boolean exitOnStopLeading) {
    super(
        LEASE,
        null,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        null,
        null,
        exitOnStopLeading);
  }
}
