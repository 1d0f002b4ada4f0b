package io.trunkline.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.trunkline.testing.kube.TestBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The images this build made (Jib's docker-archive tarballs, target/jib-image.tar), loaded into the
 * container engine through its API ({@code docker load}) once per test JVM, under the names the
 * chart gives them. Nothing is ever pulled: no registry is reachable, and a test must run the image
 * of this build, not one of the same name from elsewhere.
 */
final class BuildImages {

  private static final Set<String> loaded = new HashSet<>();

  private BuildImages() {}

  /**
   * A container of module {@code module}'s image ({@code operator}, {@code sip-proxy}, {@code
   * media-relay}) as the chart's pods run it: on a read-only root filesystem, as the image's user.
   */
  static GenericContainer<?> container(String module) {
    return new GenericContainer<>(image(module))
        .withImagePullPolicy(name -> false)
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
        .withLogConsumer(frame -> System.out.print("[" + module + "] " + frame.getUtf8String()));
  }

  /** The name of module {@code module}'s image, loaded into the engine. */
  static synchronized DockerImageName image(String module) {
    String name =
        System.getProperty("trunkline.image.registry")
            + "/"
            + module
            + ":"
            + System.getProperty("trunkline.version");
    if (loaded.add(module)) {
      load(TestBinaries.repositoryRoot().resolve(module).resolve("target/jib-image.tar"), name);
    }
    return DockerImageName.parse(name);
  }

  private static void load(Path tarball, String name) {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException(tarball + " is missing: the build makes it (jib buildTar)");
    }
    DockerClient client = DockerClientFactory.instance().client();
    System.out.println(
        "loading "
            + tarball
            + " into "
            + DockerClientFactory.instance().getInfo().getServerVersion()
            + " at "
            + DockerClientFactory.instance().getTransportConfig().getDockerHost());
    try (InputStream in = Files.newInputStream(tarball)) {
      client.loadImageCmd(in).exec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      client.inspectImageCmd(name).exec();
    } catch (NotFoundException e) {
      throw new IllegalStateException(tarball + " did not load an image named " + name, e);
    }
  }
}
