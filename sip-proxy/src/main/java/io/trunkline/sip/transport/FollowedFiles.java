package io.trunkline.sip.transport;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Files read together and followed as they change: a Secret volume, which the kubelet rewrites in
 * place (it swaps the volume's {@code ..data} symlink) when the Secret changes. Remembers the
 * SHA-256 of the contents last handed out, so a caller polling every second builds nothing while
 * they stay the same, and tries a changed set once whether or not it turns out usable.
 */
final class FollowedFiles {

  private final List<File> files;
  private byte[] tried;

  FollowedFiles(File... files) {
    this.files = List.of(files);
  }

  /**
   * The files' contents, in the order given, now remembered as tried.
   *
   * @throws IOException when one cannot be read
   */
  List<byte[]> read() throws IOException {
    List<byte[]> contents = new ArrayList<>(files.size());
    for (File file : files) {
      contents.add(Files.readAllBytes(file.toPath()));
    }
    tried = digest(contents);
    return contents;
  }

  /**
   * The files' contents when they differ from those last tried, now remembered as tried; null when
   * they are the same, or cannot be read (between a Secret's removal and the pod's end, say: the
   * caller keeps what it loaded).
   */
  List<byte[]> changed() {
    byte[] before = tried;
    try {
      List<byte[]> contents = read();
      return Arrays.equals(tried, before) ? null : contents;
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] digest(List<byte[]> contents) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (byte[] content : contents) {
        // Each length too, so no bytes moved from one file to the next go unseen.
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(content.length).array());
        sha256.update(content);
      }
      return sha256.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
