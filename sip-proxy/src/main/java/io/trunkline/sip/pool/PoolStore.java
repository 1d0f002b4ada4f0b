package io.trunkline.sip.pool;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared store of one trunk's pool of proxies, on Redis (docs/decisions/0014): one connection,
 * whose commands Lettuce pipelines, and the pool's mode. While the store answers, the pool counts
 * on it ({@link #shared()}); the first command that fails or times out turns this replica to its
 * share of the trunk, and a check every second brings it back once the store answers again and
 * every stage has put back what it holds ({@link #onReturn}).
 *
 * <p>Every key of a trunk carries its name as a hash tag, {@code tl:{acme}:...}, so a Redis Cluster
 * keeps a trunk's keys in one slot, as the scripts that touch several at once need.
 */
public final class PoolStore implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PoolStore.class.getName());

  /** How often a replica on its share asks whether the store is back. */
  private static final Duration CHECK = Duration.ofSeconds(1);

  /** A script of this package, sent by its digest and by its text only when Redis lacks it. */
  public record Script(String text, String digest) {
    static Script named(String name) {
      try (InputStream in = PoolStore.class.getResourceAsStream(name + ".lua")) {
        if (in == null) {
          throw new IllegalStateException("no script " + name + ".lua beside PoolStore");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        byte[] sha1 =
            MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        return new Script(text, HexFormat.of().formatHex(sha1));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM provides SHA-1", e);
      }
    }
  }

  /**
   * Where the store is and how long a command may take before the replica turns to its share.
   *
   * @param password null when the store has none
   */
  public record Address(String host, int port, String password, boolean tls, Duration timeout) {}

  private final ClientResources resources;
  private final RedisClient client;
  private final String prefix;
  private final ScheduledExecutorService chores;
  private final AtomicBoolean shared = new AtomicBoolean();
  private final AtomicLong fallbacks = new AtomicLong();
  private final List<Supplier<CompletionStage<?>>> returns = new CopyOnWriteArrayList<>();
  private final Duration timeout;
  private volatile StatefulRedisConnection<String, String> connection;

  private PoolStore(Address address, String trunk) {
    RedisURI.Builder uri =
        RedisURI.builder()
            .withHost(address.host())
            .withPort(address.port())
            .withSsl(address.tls())
            .withTimeout(address.timeout());
    if (address.password() != null && !address.password().isEmpty()) {
      uri.withPassword(address.password().toCharArray());
    }
    // Two threads of each kind, the fewest Lettuce runs with: the store's traffic is a few small
    // commands per call, and the proxy's own threads carry the calls.
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources, uri.build());
    this.client.setOptions(
        ClientOptions.builder()
            // A command while the link is down fails at once, and the call is counted on the share.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(address.timeout()))
            .socketOptions(SocketOptions.builder().connectTimeout(address.timeout()).build())
            .build());
    this.prefix = "tl:{" + trunk + "}:";
    this.timeout = address.timeout();
    this.chores =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "pool-store");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Opens the store of {@code trunk}'s pool. A store that does not answer yet is not an error: the
   * replica starts on its share and turns to the store when it answers.
   */
  public static PoolStore open(Address address, String trunk) {
    PoolStore store = new PoolStore(address, trunk);
    store.check();
    store.chores.scheduleWithFixedDelay(
        store::check, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    return store;
  }

  /** The name of one of the trunk's keys in the store. */
  public String key(String name) {
    return prefix + name;
  }

  /** Whether the pool counts on the store now; false while this replica runs on its share. */
  public boolean shared() {
    return shared.get();
  }

  /** How many times this replica turned to its share. */
  public long fallbacks() {
    return fallbacks.get();
  }

  /**
   * Registers what a stage must put back into the store (its live leases, say) before the pool
   * counts on the store again after an absence. Runs on the store's chore thread.
   */
  public void onReturn(Supplier<CompletionStage<?>> putBack) {
    returns.add(putBack);
  }

  /** Runs {@code chore} every {@code period} on the store's chore thread. */
  public void every(Duration period, Runnable chore) {
    chores.scheduleWithFixedDelay(
        () -> {
          try {
            chore.run();
          } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pool store chore failed", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Runs a script; a failure other than the script's own turns the replica to its share. */
  public <T> CompletableFuture<T> run(
      Script script, ScriptOutputType type, String[] keys, String... args) {
    return command(
        redis ->
            redis
                .<T>evalsha(script.digest(), type, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(
                    failure ->
                        unwrap(failure) instanceof RedisNoScriptException
                            // Redis restarted or flushed its scripts: send the text once.
                            ? redis.<T>eval(script.text(), type, keys, args).toCompletableFuture()
                            : CompletableFuture.failedFuture(failure)));
  }

  /** Runs commands; a failure turns the replica to its share. */
  public <T> CompletableFuture<T> command(
      Function<RedisAsyncCommands<String, String>, CompletableFuture<T>> commands) {
    StatefulRedisConnection<String, String> current = connection;
    if (current == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("pool store not connected"));
    }
    CompletableFuture<T> result;
    try {
      result = commands.apply(current.async());
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            lost(failure);
          }
        });
  }

  /**
   * A secret every replica of the pool shares (the digest nonces' key), made by whichever replica
   * asks first; null when the store cannot be asked now.
   */
  public byte[] sharedSecret(String name) {
    byte[] candidate = new byte[32];
    new SecureRandom().nextBytes(candidate);
    String mine = Base64.getEncoder().encodeToString(candidate);
    try {
      String agreed =
          this.<String>command(
                  redis ->
                      redis
                          .setnx(key(name), mine)
                          .thenCompose(set -> redis.get(key(name)))
                          .toCompletableFuture())
              .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      return agreed == null ? null : Base64.getDecoder().decode(agreed);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "no shared {0} from the pool store: {1}", name, e);
      return null;
    }
  }

  private void lost(Throwable failure) {
    if (unwrap(failure) instanceof RedisNoScriptException) {
      return;
    }
    if (shared.compareAndSet(true, false)) {
      fallbacks.incrementAndGet();
      LOG.log(
          System.Logger.Level.WARNING,
          "pool store unreachable ({0}): counting on this replica''s share of the trunk",
          unwrap(failure).toString());
    }
  }

  /** While on the share: connects if need be, asks the store, and returns to it when it answers. */
  private void check() {
    if (shared.get()) {
      return;
    }
    try {
      if (connection == null || !connection.isOpen()) {
        if (connection != null) {
          connection.closeAsync();
          // Forgotten at once: while the store is down the connect below fails, and the next
          // check would close this connection again, which Lettuce warns about.
          connection = null;
        }
        connection = client.connect();
      }
      connection.sync().ping();
      for (Supplier<CompletionStage<?>> putBack : returns) {
        putBack.get().toCompletableFuture().get(timeout.toMillis() * 10, TimeUnit.MILLISECONDS);
      }
      shared.set(true);
      LOG.log(System.Logger.Level.INFO, "pool store answers: counting on it again");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "pool store still unreachable: {0}", e.toString());
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null
        && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public void close() {
    chores.shutdownNow();
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
