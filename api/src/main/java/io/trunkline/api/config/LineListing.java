package io.trunkline.api.config;

import io.trunkline.api.v1alpha1.line.SipLine;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * A trunk's lines as a compilation reads them: all of them, or, for a compilation given a memo of
 * the last, the names of those that changed since (decision 0031).
 */
public interface LineListing {

  /** Every line listed; lines of other trunks among them are ignored. */
  Collection<SipLine> all();

  /**
   * The names of the lines that may have been written, added or removed since this listing's source
   * last served a compilation of the trunk, or empty when it cannot tell: every line is then read.
   * A memo trusts it only after a compilation of its own that ran to its end.
   */
  default Optional<Set<String>> changedSinceLast() {
    return Optional.empty();
  }

  /** The line of this name as listed now, or null if there is none. */
  SipLine get(String name);

  /** {@code lines}, which cannot tell what changed. */
  static LineListing of(Collection<SipLine> lines) {
    return new LineListing() {
      @Override
      public Collection<SipLine> all() {
        return lines;
      }

      @Override
      public SipLine get(String name) {
        throw new UnsupportedOperationException("a listing that tells no change is read whole");
      }
    };
  }
}
