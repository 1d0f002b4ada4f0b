package io.trunkline.testing.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Finds the real peers tests drive (sipp, tshark, lua) and says how to install a missing one. */
public final class Executables {

  private Executables() {}

  /** The first of {@code names} found on the given PATH value. */
  public static Optional<Path> onPath(String path, String... names) {
    for (String name : names) {
      for (String dir : Objects.requireNonNullElse(path, "").split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The first of {@code names} on this process's PATH, or a failure naming the Debian package to
   * install: a missing peer must never look like a passing test.
   */
  public static String require(String debianPackage, String... names) {
    return onPath(System.getenv("PATH"), names)
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    names[0] + " not found on the PATH: apt-get install -y " + debianPackage));
  }
}
