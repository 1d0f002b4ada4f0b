package io.trunkline.operator.trunk;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.LineListing;
import io.trunkline.api.config.LineMemo;
import io.trunkline.api.config.LineShards;
import io.trunkline.api.config.SecretValues;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.v1alpha1.line.SipLine;
import io.trunkline.api.v1alpha1.route.RoutePolicy;
import io.trunkline.api.v1alpha1.trunk.Carrier;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import io.trunkline.api.v1alpha1.trunk.SipTrunkSpec;
import io.trunkline.operator.watch.ChangeJournal;
import io.trunkline.operator.watch.ReadOnlyCaches;
import io.trunkline.operator.watch.SharedInformer;
import io.trunkline.operator.watch.SharedInformerEventSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A trunk's compilation, made once per reconcile from the informer caches (lines, policies and the
 * Secrets they reference) and shared by the dependents and the status.
 */
public final class TrunkSources {

  /**
   * Name of the event source over the Secrets that lines, carriers, the PBX, the store and the
   * carriers' CA bundle reference.
   */
  public static final String REFERENCED_SECRETS = "referenced-secrets";

  /** Name of the event source over the lines that name a trunk. */
  static final String LINES = "lines";

  private static final String KEY = TrunkSources.class.getName();
  private static final String SPLIT = KEY + ".split";

  private TrunkSources() {}

  /**
   * The trunk's compilation, without a version: its version comes with its shards ({@link #split}),
   * which compiles it first.
   */
  public static Compilation compilation(SipTrunk trunk, Context<SipTrunk> context) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    Optional<Compilation> done = shared.get(KEY, Compilation.class);
    if (done.isPresent()) {
      return done.get();
    }
    Compilation compilation =
        compile(
            trunk,
            context,
            LineListing.of(lines(trunk, context)),
            new LineMemo(),
            reading(new ChangeJournal.Reader(), trunk, context));
    shared.put(KEY, compilation);
    return compilation;
  }

  /**
   * Compiles the trunk with {@code memo} and splits the compilation into the trunk's part and its
   * line shards (decision 0027), once per reconciliation and before its workflow, which reads the
   * compilation through {@link #compilation} and the split through {@link #split(Context)}; empty
   * while a problem blocks the snapshot.
   */
  static Optional<LineShards.Split> split(
      SipTrunk trunk, Context<SipTrunk> context, int linesPerShard, LineMemos.Memo memo) {
    Compilation compilation =
        compile(
            trunk,
            context,
            listing(memo.lineChanges(), trunk, context),
            memo.lines(),
            reading(memo.secretChanges(), trunk, context));
    memo.lineChanges().ends();
    memo.secretChanges().ends();
    var shared = context.managedWorkflowAndDependentResourceContext();
    shared.put(KEY, compilation);
    Optional<LineShards.Split> split = Optional.empty();
    if (!compilation.blocked()) {
      int shards =
          LineShards.count(
              compilation.config().lines().size(),
              linesPerShard,
              Dependents.LineShardSecrets.existing(trunk, context).size());
      split =
          Optional.of(
              LineShards.split(
                  compilation.config(), compilation.credentials(), shards, memo.lines()));
    }
    shared.put(SPLIT, new Split(split));
    return split;
  }

  private static Compilation compile(
      SipTrunk trunk,
      Context<SipTrunk> context,
      LineListing lines,
      LineMemo memo,
      TrunkCompiler.SecretLookup secrets) {
    return TrunkCompiler.compileUnversioned(
        trunk, lines, context.getSecondaryResources(RoutePolicy.class), secrets, memo);
  }

  /** The split the reconciliation made before its workflow. */
  static Optional<LineShards.Split> split(Context<SipTrunk> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .get(SPLIT, Split.class)
        .orElseThrow(() -> new IllegalStateException("the trunk's snapshot was not split yet"))
        .split();
  }

  /** The split as the workflow's context holds it: a value, even when there is none. */
  private record Split(Optional<LineShards.Split> split) {}

  /**
   * The trunk's lines, from their event source rather than the context, which would gather them
   * into a set of its own: hashing every line, whole, on each reconciliation.
   */
  private static Set<SipLine> lines(SipTrunk trunk, Context<SipTrunk> context) {
    return lineSource(context).getSecondaryResources(trunk);
  }

  /**
   * The trunk's lines for a compilation given its memo: the journal of the cache of lines tells
   * which changed since the memo's last compilation, so that the others are not gathered at all
   * (decision 0031).
   */
  private static LineListing listing(
      ChangeJournal.Reader changes, SipTrunk trunk, Context<SipTrunk> context) {
    SharedInformerEventSource<SipLine, SipTrunk> source = lineSource(context);
    SharedInformer<SipLine> cache = source.informer();
    String namespace = trunk.getMetadata().getNamespace();
    String name = trunk.getMetadata().getName();
    Optional<Set<String>> changed = changes.begins(cache.journal(), namespace);
    return new LineListing() {
      @Override
      public Collection<SipLine> all() {
        return source.getSecondaryResources(trunk);
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return changed;
      }

      @Override
      public SipLine get(String line) {
        SipLine listed = cache.get(namespace, ReadOnlyCaches.key(namespace, line));
        // As the index of lines by trunk files it: a line moved to another trunk is gone from this.
        return listed != null
                && listed.getSpec() != null
                && name.equals(listed.getSpec().getTrunk())
            ? listed
            : null;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static SharedInformerEventSource<SipLine, SipTrunk> lineSource(
      Context<SipTrunk> context) {
    return (SharedInformerEventSource<SipLine, SipTrunk>)
        context.eventSourceRetriever().getEventSourceFor(SipLine.class, LINES);
  }

  /** A Secret of the trunk's namespace, as the cache of Secrets holds it. */
  static Optional<Secret> secret(SipTrunk trunk, String name, Context<SipTrunk> context) {
    return secretCache(context).get(new ResourceID(name, trunk.getMetadata().getNamespace()));
  }

  /**
   * The Secrets of the trunk's namespace for a compilation, from the cache, whose journal tells
   * which changed since the compilation {@code changes} last ended: a memo reads only those again
   * (decision 0031).
   */
  private static TrunkCompiler.SecretLookup reading(
      ChangeJournal.Reader changes, SipTrunk trunk, Context<SipTrunk> context) {
    SharedInformer<Secret> cache = secretCache(context);
    String namespace = trunk.getMetadata().getNamespace();
    Optional<Set<String>> changed = changes.begins(cache.journal(), namespace);
    return new TrunkCompiler.SecretLookup() {
      @Override
      public Optional<String> find(String secret, String key) {
        return Optional.ofNullable(cache.get(namespace, ReadOnlyCaches.key(namespace, secret)))
            .flatMap(found -> SecretValues.value(found, key));
      }

      @Override
      public Optional<Set<String>> changedSinceLast() {
        return changed;
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static SharedInformer<Secret> secretCache(Context<SipTrunk> context) {
    var source =
        (SharedInformerEventSource<Secret, SipTrunk>)
            context.eventSourceRetriever().getEventSourceFor(Secret.class, REFERENCED_SECRETS);
    return source.informer();
  }

  /**
   * The Secrets a trunk names itself, for its carriers, its PBX, its store and its carriers' CA
   * bundle; its lines name their own. Each as {@link ReadOnlyCaches#key}.
   */
  static List<String> namedSecrets(SipTrunk trunk) {
    return namedSecretNames(trunk)
        .map(name -> ReadOnlyCaches.key(trunk.getMetadata().getNamespace(), name))
        .distinct()
        .toList();
  }

  private static Stream<String> namedSecretNames(SipTrunk trunk) {
    SipTrunkSpec spec = trunk.getSpec();
    if (spec == null) {
      return Stream.empty();
    }
    Stream<String> carriers =
        spec.getCarriers() == null
            ? Stream.empty()
            : spec.getCarriers().stream()
                .filter(Objects::nonNull)
                .map(Carrier::getCredentialsSecret);
    Stream<String> own =
        Stream.of(
            spec.getPbx() == null ? null : spec.getPbx().getCredentialsSecret(),
            spec.getStore() == null ? null : spec.getStore().getSecretName(),
            spec.getCarrierCa() == null ? null : spec.getCarrierCa().getSecretName());
    return Stream.concat(carriers, own).filter(Objects::nonNull);
  }
}
