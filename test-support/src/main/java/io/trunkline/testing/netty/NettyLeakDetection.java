package io.trunkline.testing.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test that leaked a {@link ByteBuf} (or any other resource Netty tracks), with the
 * leak's access records in the failure.
 *
 * <p>Netty's detector only logs, and only when the garbage collector happens to run: a leak shows
 * up later, as a log line in the output of some other test. This extension installs Netty's
 * detector at {@code PARANOID} (every buffer tracked, with where it was created and last touched)
 * through a factory whose detectors record what they find. Before and after each test it forces the
 * reports out: a garbage collection, then each detector polls its reference queue; bounded to
 * {@value #ROUNDS} rounds and {@link #DRAIN_LIMIT}.
 *
 * <p>A leak found after a test fails that test. A leak found before a test (work that outlived an
 * earlier test) or after the last one ({@code @BeforeAll}, {@code @AfterAll}) fails the test class
 * instead. Modules register it for every test through JUnit's automatic extension registration
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and {@code
 * junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}).
 *
 * <p>Assumes tests of one JVM run one at a time (JUnit's default). Netty reports a leak with the
 * same records only once per JVM.
 */
public final class NettyLeakDetection
    implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  /**
   * Collections per check. The JVM hands collected references to their queues on a thread of its
   * own, in no set order: the first round's canary may arrive before a leaked buffer's reference,
   * the second round's arrives after everything the first collection found.
   */
  static final int ROUNDS = 2;

  static final Duration DRAIN_LIMIT = Duration.ofSeconds(2);

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NettyLeakDetection.class);
  private static final String OUTSIDE_TESTS = "leaks outside tests";

  /** Netty's detectors record into this; each check takes what arrived since the last. */
  private static final RecordingFactory FACTORY = new RecordingFactory();

  /** Whether Netty made ByteBuf's detector through {@link #FACTORY}, checked before each test. */
  private static final boolean INSTALLED_IN_TIME;

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(FACTORY);
    // ByteBuf's detector is made once, when Netty's AbstractByteBuf class is initialised: if that
    // happened before this extension loaded, leaks would only be logged.
    Unpooled.buffer(1).release();
    INSTALLED_IN_TIME = FACTORY.madeDetectorFor(ByteBuf.class);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!INSTALLED_IN_TIME) {
      throw new ExtensionConfigurationException(
          "Netty's ByteBuf leak detector existed before "
              + NettyLeakDetection.class.getSimpleName()
              + " was installed, so leaks would only be logged: register it automatically"
              + " (junit-platform.properties) and keep Netty buffers out of static initialisers"
              + " that run earlier");
    }
    List<String> earlier = drain();
    if (!earlier.isEmpty()) {
      outsideTests(context).addAll(earlier);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> leaks = drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(describe(leaks, context.getDisplayName() + " leaked"));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = new ArrayList<>(outsideTests(context));
    leaks.addAll(drain());
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          describe(
              leaks,
              context.getDisplayName()
                  + " leaked outside its tests (@BeforeAll, @AfterAll, or work that outlived"
                  + " a test)"));
    }
  }

  /**
   * Makes Netty report what was garbage-collected unreleased so far and returns those reports: a
   * collection, then each detector polls its queue (Netty polls only when it tracks an object).
   */
  static List<String> drain() {
    long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
    for (int round = 0; round < ROUNDS; round++) {
      collectGarbage(deadline);
      FACTORY.poll();
    }
    return FACTORY.takeReports();
  }

  /** Asks for a collection and waits, up to the deadline, until one has visibly happened. */
  private static void collectGarbage(long deadline) {
    ReferenceQueue<Object> collected = new ReferenceQueue<>();
    PhantomReference<Object> canary = new PhantomReference<>(new Object(), collected);
    System.gc();
    long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
    try {
      if (remainingMillis > 0) {
        collected.remove(remainingMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    canary.clear();
  }

  @SuppressWarnings("unchecked")
  private static List<String> outsideTests(ExtensionContext context) {
    ExtensionContext testClass = context;
    while (testClass.getTestMethod().isPresent() && testClass.getParent().isPresent()) {
      testClass = testClass.getParent().get();
    }
    return testClass
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(OUTSIDE_TESTS, key -> new ArrayList<String>(), List.class);
  }

  private static String describe(List<String> leaks, String what) {
    StringBuilder message =
        new StringBuilder(what)
            .append(' ')
            .append(leaks.size())
            .append(leaks.size() == 1 ? " resource" : " resources")
            .append(" (release() was not called before it was garbage-collected):");
    for (String leak : leaks) {
      message.append(System.lineSeparator()).append(leak);
    }
    return message.toString();
  }

  /** Makes Netty's detectors, remembering them so that a check can make each one poll. */
  private static final class RecordingFactory extends ResourceLeakDetectorFactory {

    private final List<RecordingDetector<?>> detectors = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval, reports);
      detectors.add(detector);
      return detector;
    }

    /** Netty 4.1 ignores {@code maxActive}; the two-argument form is the one it calls. */
    @Override
    @Deprecated
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    boolean madeDetectorFor(Class<?> resource) {
      return detectors.stream().anyMatch(detector -> detector.resource == resource);
    }

    void poll() {
      detectors.forEach(RecordingDetector::poll);
    }

    List<String> takeReports() {
      List<String> taken = new ArrayList<>();
      for (String report; (report = reports.poll()) != null; ) {
        taken.add(report);
      }
      return taken;
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

    private final Class<T> resource;
    private final ConcurrentLinkedQueue<String> reports;

    RecordingDetector(
        Class<T> resource, int samplingInterval, ConcurrentLinkedQueue<String> reports) {
      super(resource, samplingInterval);
      this.resource = resource;
      this.reports = reports;
    }

    /**
     * Netty looks at its reference queue only when it starts tracking something: track a probe
     * (forcibly, whatever the level) and stop tracking it at once.
     */
    @SuppressWarnings("unchecked")
    void poll() {
      T probe = (T) new Object();
      ResourceLeakTracker<T> tracker = trackForcibly(probe);
      if (tracker != null) {
        tracker.close(probe);
      }
    }

    /** Netty reports only when its logger is on for errors; a test must see every leak. */
    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      reports.add("LEAK: " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      reports.add("LEAK: " + resourceType + " (created before PARANOID tracking was on)");
    }
  }
}
