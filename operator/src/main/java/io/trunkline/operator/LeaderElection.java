package io.trunkline.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Two operator replicas may run for availability; a Lease in the operator's namespace picks the one
 * that reconciles. Quarkus Operator SDK activates it in the prod profile.
 *
 * <p>A replica that loses the Lease while running exits, so Kubernetes restarts it as a clean
 * follower. It must not exit while the process is already stopping: JOSDK 5.1 would call
 * System.exit from the shutdown hook that releases the Lease, which blocks the JVM until it is
 * killed (seen in bench/operator-scale.sh). So JOSDK is told not to exit, and this callback
 * decides.
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {

  public static final String LEASE = "trunkline-operator-lease";
  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  /**
   * @param exitOnStopLeading exit when leadership is lost while running (the default); false keeps
   *     the process, e.g. when the operator is embedded in a test JVM
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
        new LeaderCallbacks(() -> {}, () -> lostLease(exitOnStopLeading), leader -> {}),
        false);
  }

  private static void lostLease(boolean exit) {
    if (!exit || shuttingDown()) {
      return;
    }
    LOG.warn("lost the leader Lease: exiting so this replica restarts as a follower");
    new Thread(() -> System.exit(1), "leader-lost-exit").start();
  }

  /** True once the JVM runs its shutdown hooks: a hook can no longer be added then. */
  static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
