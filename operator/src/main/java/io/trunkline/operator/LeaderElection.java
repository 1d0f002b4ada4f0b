package io.trunkline.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Two operator replicas may run for availability; a Lease in the operator's namespace picks the one
 * that reconciles. Quarkus Operator SDK activates it in the prod profile.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

  public static final String LEASE = "trunkline-operator-lease";

  public LeaderElection() {
    super(LEASE);
  }
}
