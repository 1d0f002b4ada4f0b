package io.trunkline.e2e;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Files a test hands a container the way a pod gets a ConfigMap or a Secret: bound read-only, and
 * readable by the image's non-root user. Bound rather than copied in, since nothing can be copied
 * into a container whose root filesystem is read-only.
 */
final class ImageFiles {

  private ImageFiles() {}

  /** A new temporary folder that the image's user can read, as a mounted volume is. */
  static Path folder(String prefix) throws IOException {
    Path folder = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    return folder;
  }

  /** Writes {@code text} to {@code file}, readable by anyone, in folders readable by anyone. */
  static Path write(Path file, String text) throws IOException {
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  /** Binds {@code host} (a file or folder) read-only at {@code path} in the container. */
  static Consumer<CreateContainerCmd> mounted(Path host, String path) {
    return cmd -> {
      HostConfig config = cmd.getHostConfig();
      List<Bind> binds = new ArrayList<>();
      if (config.getBinds() != null) {
        binds.addAll(List.of(config.getBinds()));
      }
      binds.add(new Bind(host.toAbsolutePath().toString(), new Volume(path), AccessMode.ro));
      config.withBinds(binds);
    };
  }

  static void delete(Path folder) throws IOException {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
