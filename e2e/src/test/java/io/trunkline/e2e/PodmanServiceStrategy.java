package io.trunkline.e2e;

import io.trunkline.testing.kube.TestBinaries;
import io.trunkline.testing.process.Commands;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.InvalidConfigurationException;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * Testcontainers' last resort on a machine without a Docker engine: podman's Docker-compatible API
 * service, started by tools/podman-service.sh on first use and stopped, with every container it
 * ran, when the test JVM exits (decision 0019). Testcontainers tries it only after its own
 * strategies (DOCKER_HOST, ~/.testcontainers.properties, /var/run/docker.sock, rootless Docker,
 * Docker Desktop) found no engine, so a machine with Docker runs the image tests unchanged.
 * Registered through META-INF/services, as Testcontainers finds its own.
 */
public final class PodmanServiceStrategy extends DockerClientProviderStrategy {

  static final String SOCKET =
      System.getenv().getOrDefault("TRUNKLINE_PODMAN_SOCKET", "/run/trunkline-podman.sock");

  private static final Duration START_LIMIT = Duration.ofMinutes(5);
  private static final Duration STOP_LIMIT = Duration.ofMinutes(1);

  private static String started;

  @Override
  public String getDescription() {
    return "podman system service on " + SOCKET + " (tools/podman-service.sh)";
  }

  @Override
  protected int getPriority() {
    return -100;
  }

  @Override
  protected boolean isPersistable() {
    // Never written to ~/.testcontainers.properties: a Docker engine found later still wins.
    return false;
  }

  /**
   * Where the containers' published ports are: this machine, whose service this is. Testcontainers
   * would take the engine's bridge gateway instead on seeing /.dockerenv, which this machine's
   * image carries although it is no container.
   */
  @Override
  public synchronized String getDockerHostIpAddress() {
    String override = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
    return override != null && !override.isBlank() ? override : "127.0.0.1";
  }

  @Override
  public TransportConfig getTransportConfig() throws InvalidConfigurationException {
    start();
    return TransportConfig.builder().dockerHost(URI.create("unix://" + SOCKET)).build();
  }

  private static synchronized void start() throws InvalidConfigurationException {
    if (started != null) {
      return;
    }
    String script = TestBinaries.repositoryRoot().resolve("tools/podman-service.sh").toString();
    // Registered before the start, so that a half-started service is stopped too.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> Commands.run(STOP_LIMIT, List.of("bash", script, "stop")),
                "podman-service-stop"));
    Commands.Result result = Commands.run(START_LIMIT, List.of("bash", script, "start"));
    if (result.exitCode() != 0) {
      throw new InvalidConfigurationException(
          "tools/podman-service.sh start failed (exit "
              + result.exitCode()
              + "):\n"
              + result.output());
    }
    started = result.output();
    System.out.print(started);
  }
}
