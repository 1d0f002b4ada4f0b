package io.trunkline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trunkline.testing.kube.TestBinaries;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The files of a module's image as its tarball (target/jib-image.tar, the one the tests load) holds
 * them: every layer's entries, with owner and mode, read without a container engine.
 */
final class ImageTarball {

  /** One file of the image: its path without a leading slash, owner, group and mode bits. */
  record Entry(String path, long uid, long gid, int mode, boolean directory) {}

  private ImageTarball() {}

  /** Every entry of every layer of module {@code module}'s image, in layer order. */
  static List<Entry> entries(String module) {
    Path tarball = TestBinaries.repositoryRoot().resolve(module).resolve("target/jib-image.tar");
    try {
      Map<String, byte[]> files = new HashMap<>();
      try (TarArchiveInputStream outer = new TarArchiveInputStream(Files.newInputStream(tarball))) {
        for (TarArchiveEntry entry = outer.getNextEntry();
            entry != null;
            entry = outer.getNextEntry()) {
          files.put(entry.getName(), outer.readAllBytes());
        }
      }
      JsonNode manifest = new ObjectMapper().readTree(files.get("manifest.json")).get(0);
      List<Entry> entries = new ArrayList<>();
      for (JsonNode layer : manifest.get("Layers")) {
        try (InputStream gzip =
                new GZIPInputStream(new ByteArrayInputStream(files.get(layer.asText())));
            TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
          for (TarArchiveEntry entry = tar.getNextEntry();
              entry != null;
              entry = tar.getNextEntry()) {
            String path = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
            entries.add(
                new Entry(
                    path,
                    entry.getLongUserId(),
                    entry.getLongGroupId(),
                    entry.getMode(),
                    entry.isDirectory()));
          }
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(tarball + " is not a readable image tarball", e);
    }
  }

  /**
   * What a pod's security context relies on, as problems found: every file owned by root (which the
   * non-root user cannot change), none setuid or setgid, none world-writable but /tmp.
   */
  static List<String> unsafeFiles(String module) {
    List<String> problems = new ArrayList<>();
    for (Entry entry : entries(module)) {
      if (entry.uid() != 0 || entry.gid() != 0) {
        problems.add(entry.path() + " owned by " + entry.uid() + ":" + entry.gid());
      }
      if ((entry.mode() & 06000) != 0) {
        problems.add(entry.path() + " is setuid or setgid");
      }
      if ((entry.mode() & 02) != 0 && !entry.path().equals("tmp/")) {
        problems.add(entry.path() + " is world-writable");
      }
    }
    return problems;
  }
}
