package io.trunkline.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Secret volume's files as the proxy follows them: what counts as a change. */
class FollowedFilesTest {

  @TempDir Path volume;

  @Test
  void handsOutContentsOnlyWhenTheyDifferFromThoseLastTried() throws IOException {
    File chain = write("tls.crt", "first chain");
    File key = write("tls.key", "first key");
    FollowedFiles followed = new FollowedFiles(chain, key);

    assertThat(text(followed.read())).containsExactly("first chain", "first key");
    assertThat(followed.changed()).as("unchanged").isNull();

    write("tls.key", "second key");
    assertThat(text(followed.changed())).containsExactly("first chain", "second key");
    assertThat(followed.changed()).as("tried once, usable or not").isNull();

    // The same bytes split otherwise between the two files are other files.
    write("tls.crt", "first chains");
    write("tls.key", "econd key");
    assertThat(followed.changed()).isNotNull();
  }

  @Test
  void aFileGoneIsNoChangeAndItsReturnIsOne() throws IOException {
    File bundle = write("ca.crt", "anchors");
    FollowedFiles followed = new FollowedFiles(bundle);
    followed.read();

    Files.delete(bundle.toPath());
    assertThat(followed.changed()).isNull();
    assertThatThrownBy(followed::read).isInstanceOf(IOException.class);

    write("ca.crt", "renewed anchors");
    assertThat(text(followed.changed())).containsExactly("renewed anchors");
  }

  private File write(String name, String text) throws IOException {
    return Files.writeString(volume.resolve(name), text).toFile();
  }

  private static List<String> text(List<byte[]> contents) {
    return contents.stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList();
  }
}
