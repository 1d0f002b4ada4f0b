package io.trunkline.testing.sipp;

import io.trunkline.testing.net.LoopbackPorts;
import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Starts the real {@code sipp} (Debian package {@code sip-tester}) on loopback with a bounded run:
 * a call limit and a timeout are mandatory, so no test can hang on a peer.
 *
 * <pre>{@code
 * try (SippProcess uas = Sipp.bundled("answer").local("127.0.0.1", 5060).calls(5).start(dir)) {
 *   uas.awaitListening(Duration.ofSeconds(5));
 *   SippResult uac = Sipp.builtIn("uac").local("127.0.0.1", 5070).remote("127.0.0.1", 5060)
 *       .calls(5).rate(10).start(dir).await();
 * }
 * }</pre>
 */
public final class Sipp {

  /** Environment variable that points at a sipp binary outside the PATH. */
  public static final String SIPP_ENV = "SIPP";

  private final Scenario scenario;
  private final List<String> options = new ArrayList<>();
  private SippTransport transport = SippTransport.UDP;
  private String localAddress = "127.0.0.1";
  private int localPort;
  private String remote;
  private int calls;
  private Duration timeout = Duration.ofSeconds(30);
  private String name;
  private String networkNamespace;

  private Sipp(Scenario scenario) {
    this.scenario = scenario;
    this.name = scenario.name();
  }

  /** One of sipp's built-in scenarios ({@code uac}, {@code uas}, {@code regexp}, ...). */
  public static Sipp builtIn(String scenarioName) {
    return new Sipp(new Scenario(scenarioName, null, null));
  }

  /** A scenario XML file. */
  public static Sipp scenario(Path scenarioFile) {
    String file = scenarioFile.getFileName().toString();
    return new Sipp(new Scenario(withoutXml(file), scenarioFile.toAbsolutePath(), null));
  }

  /**
   * A scenario shipped on the test classpath under {@code sipp/}, e.g. {@code bundled("answer")}
   * for {@code sipp/answer.xml}; copied into the work folder when sipp starts.
   */
  public static Sipp bundled(String scenarioName) {
    String resource = "sipp/" + scenarioName + ".xml";
    if (Sipp.class.getClassLoader().getResource(resource) == null) {
      throw new IllegalArgumentException("no sipp scenario " + resource + " on the classpath");
    }
    return new Sipp(new Scenario(scenarioName, null, resource));
  }

  /**
   * Address and port sipp binds: loopback, an address the tests gave this machine, or one of the
   * {@link #inNetworkNamespace network namespace} sipp runs in (there a port must be named).
   */
  public Sipp local(String address, int port) {
    this.localAddress = address;
    this.localPort = port;
    return this;
  }

  /** The peer a UAC sends to: loopback, or an address the tests gave this machine. */
  public Sipp remote(String address, int port) {
    LoopbackPorts.loopback(address);
    this.remote = address + ":" + port;
    return this;
  }

  public Sipp transport(SippTransport transport) {
    this.transport = Objects.requireNonNull(transport);
    return this;
  }

  /** Calls after which sipp stops ({@code -m}): the count bound of the run. */
  public Sipp calls(int calls) {
    if (calls < 1) {
      throw new IllegalArgumentException("a sipp run needs a call limit of at least 1");
    }
    this.calls = calls;
    return this;
  }

  /** New calls per second a UAC places ({@code -r}). */
  public Sipp rate(int callsPerSecond) {
    return option("-r", Integer.toString(callsPerSecond));
  }

  /** Most calls a UAC keeps open at once ({@code -l}). */
  public Sipp concurrentCalls(int limit) {
    return option("-l", Integer.toString(limit));
  }

  /** A scenario variable, {@code [name]} in the XML ({@code -key}). */
  public Sipp variable(String variable, String value) {
    return option("-key", variable, value);
  }

  /** The time bound of the run: sipp stops itself after it and counts it as an error. */
  public Sipp timeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.timeout = timeout;
    return this;
  }

  /** Any further sipp option, e.g. {@code option("-au", "alice", "-ap", "secret")}. */
  public Sipp option(String... words) {
    options.addAll(List.of(words));
    return this;
  }

  /** Name used for the files of this run in the work folder; defaults to the scenario's. */
  public Sipp named(String runName) {
    this.name = Objects.requireNonNull(runName);
    return this;
  }

  /**
   * Runs sipp in network namespace {@code namespace} ({@code ip netns exec}), as a peer on another
   * host would be: one a test or tools/node/up.sh created.
   */
  public Sipp inNetworkNamespace(String namespace) {
    this.networkNamespace = namespace;
    return this;
  }

  /** Starts sipp with {@code workDir} as its working folder for logs and statistics. */
  public SippProcess start(Path workDir) {
    if (calls == 0) {
      throw new IllegalStateException("set calls(n): every sipp run must be bounded in count");
    }
    if (networkNamespace == null) {
      LoopbackPorts.loopback(localAddress);
      if (localPort == 0) {
        localPort = LoopbackPorts.freePort(localAddress);
      }
    } else if (localPort == 0) {
      throw new IllegalStateException("name the port sipp binds in " + networkNamespace);
    }
    try {
      Files.createDirectories(workDir);
      Path stats = workDir.resolve(name + "-stats.csv");
      Path errors = workDir.resolve(name + "-errors.log");
      Path messages = workDir.resolve(name + "-messages.log");
      Path screen = workDir.resolve(name + "-screen.log");
      List<String> command = new ArrayList<>();
      if (networkNamespace != null) {
        // ip execs sipp in the namespace: the process is sipp's own, killed like any other.
        command.addAll(List.of("ip", "netns", "exec", networkNamespace));
      }
      command.add(binary());
      command.addAll(scenario.options(workDir));
      if (remote != null) {
        command.add(remote);
      }
      command.addAll(
          List.of(
              "-i",
              localAddress,
              "-p",
              Integer.toString(localPort),
              "-t",
              transport.flag(),
              "-m",
              Integer.toString(calls),
              "-timeout",
              timeout.toSeconds() + "s",
              "-timeout_error",
              "-nostdin",
              "-trace_stat",
              "-stf",
              stats.toString(),
              "-fd",
              "1",
              "-trace_err",
              "-error_file",
              errors.toString(),
              "-trace_msg",
              "-message_file",
              messages.toString()));
      command.addAll(options);
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(screen.toFile())
              .start();
      return new SippProcess(
          process,
          command,
          localAddress,
          localPort,
          transport,
          timeout,
          stats,
          errors,
          messages,
          screen);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start sipp", e);
    }
  }

  private static String withoutXml(String file) {
    return file.endsWith(".xml") ? file.substring(0, file.length() - 4) : file;
  }

  /** Where a scenario comes from: sipp itself, a file, or the classpath. */
  private record Scenario(String name, Path file, String resource) {

    List<String> options(Path workDir) throws IOException {
      if (file != null) {
        return List.of("-sf", file.toString());
      }
      if (resource == null) {
        return List.of("-sn", name);
      }
      Path copy = workDir.resolve(name + ".xml");
      // A test may start several sipp from one folder, each while the last reads its scenario: the
      // copy is written aside and renamed into place, so no sipp reads a half-written file.
      Path partial = Files.createTempFile(workDir, name, ".part");
      try (InputStream in = Sipp.class.getClassLoader().getResourceAsStream(resource)) {
        Files.copy(
            Objects.requireNonNull(in, resource), partial, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
      return List.of("-sf", copy.toString());
    }
  }

  /**
   * The sipp binary: {@code $SIPP}, else the first {@code sipp} on the PATH. Fails with the install
   * command, since a missing peer must never look like a passing test.
   */
  public static String binary() {
    return binary(System.getenv());
  }

  static String binary(Map<String, String> environment) {
    String configured = environment.get(SIPP_ENV);
    if (configured != null && !configured.isBlank()) {
      if (!Files.isExecutable(Path.of(configured))) {
        throw new IllegalStateException(SIPP_ENV + "=" + configured + " is not an executable");
      }
      return configured;
    }
    return Executables.onPath(environment.get("PATH"), "sipp")
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "sipp not found on the PATH: install the Debian package sip-tester"
                        + " (apt-get install -y sip-tester) or set "
                        + SIPP_ENV
                        + "=/path/to/sipp"));
  }
}
