package io.trunkline.testing.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A carrier that speaks SIP over TLS (RFC 3261 §26.2) through {@code openssl s_server}: the TLS is
 * OpenSSL's, the SIP is written to s_server's input. Every request but ACK is answered 200 with the
 * headers RFC 3261 §8.2.6.2 and §12.1.1 copy. s_server prints the SNI name a client offered (RFC
 * 6066 §3), which {@link #serverNames()} returns; it serves one connection at a time and accepts
 * the next when that one closes.
 */
public final class OpensslCarrier implements AutoCloseable {

  private static final Pattern SERVER_NAME =
      Pattern.compile("Hostname in TLS extension: \"([^\"]*)\"");
  private static final Pattern REQUEST_LINE = Pattern.compile("^([A-Z]+) \\S+ SIP/2\\.0$");

  private final Process process;
  private final String contact;
  private final OutputStream input;
  private final Thread reader;
  private final List<String> serverNames = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();
  private final StringBuilder output = new StringBuilder();

  private OpensslCarrier(Process process, String contact) {
    this.process = process;
    this.contact = contact;
    this.input = process.getOutputStream();
    this.reader = new Thread(this::read, "openssl-carrier");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Listens on {@code address:port} with {@code certificate}; {@code serverName} is the name
   * s_server compares the SNI name with (it prints every SNI name offered either way) and the host
   * of the Contact its answers carry.
   */
  public static OpensslCarrier start(
      String address, int port, PemCertificate certificate, String serverName) {
    String cert = certificate.certificate().toString();
    String key = certificate.key().toString();
    try {
      // -servername needs a second certificate to switch to; the same one, so that the name
      // offered changes nothing but what s_server prints.
      return new OpensslCarrier(
          // Unbuffered: s_server prints what it heard through stdio, which holds it back
          // from a pipe until much later, after a failed handshake even until the next one.
          new ProcessBuilder(
                  "stdbuf",
                  "-o0",
                  "openssl",
                  "s_server",
                  "-accept",
                  address + ":" + port,
                  "-cert",
                  cert,
                  "-key",
                  key,
                  "-servername",
                  serverName,
                  "-cert2",
                  cert,
                  "-key2",
                  key)
              .redirectErrorStream(true)
              .start(),
          serverName + ":" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns once s_server accepts connections, or fails after {@code limit}. */
  public OpensslCarrier awaitListening(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!output().contains("ACCEPT")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("openssl s_server is not listening: " + output());
      }
      Thread.sleep(20);
    }
    return this;
  }

  /** The SNI names clients offered, one per handshake that offered one. */
  public synchronized List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  /** The methods of the requests received, in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** Everything s_server printed: its diagnostics and the bytes it received. */
  public synchronized String output() {
    return output.toString();
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        note(line);
        Matcher request = REQUEST_LINE.matcher(line);
        if (request.matches()) {
          answer(request.group(1), headers(lines));
        }
      }
    } catch (IOException e) {
      // s_server exited: nothing more to read.
    }
  }

  private synchronized void note(String line) {
    output.append(line).append('\n');
    Matcher name = SERVER_NAME.matcher(line);
    if (name.find()) {
      serverNames.add(name.group(1));
    }
  }

  /** The header lines up to the blank line; the body, if any, is read past. */
  private List<String> headers(BufferedReader lines) throws IOException {
    List<String> headers = new ArrayList<>();
    int length = 0;
    for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
      note(line);
      headers.add(line);
      String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim();
      if (name.equalsIgnoreCase("Content-Length") || name.equals("l")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    char[] body = new char[length];
    for (int read = 0; read < length; ) {
      int n = lines.read(body, read, length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return headers;
  }

  private void answer(String method, List<String> headers) throws IOException {
    synchronized (this) {
      requests.add(method);
    }
    if (method.equals("ACK")) {
      return;
    }
    StringBuilder response = new StringBuilder("SIP/2.0 200 OK\r\n");
    for (String header : headers) {
      String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim();
      if (name.equalsIgnoreCase("To") && !header.contains(";tag=")) {
        response.append(header).append(";tag=carrier\r\n");
      } else if (List.of("via", "record-route", "from", "to", "call-id", "cseq")
          .contains(name.toLowerCase())) {
        response.append(header).append("\r\n");
      }
    }
    response.append("Contact: <sip:carrier@").append(contact).append(";transport=tls>\r\n");
    response.append("Content-Length: 0\r\n\r\n");
    input.write(response.toString().getBytes(StandardCharsets.US_ASCII));
    input.flush();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000);
  }
}
